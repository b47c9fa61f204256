package dev.flashgroup.engine.order;

/** RESERVED → PAID → SUCCEEDED; RESERVED → EXPIRED; PAID → REFUNDING → REFUNDED. */
public enum OrderStatus {
  RESERVED, PAID, SUCCEEDED, EXPIRED, REFUNDING, REFUNDED
}
