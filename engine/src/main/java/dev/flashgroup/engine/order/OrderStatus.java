package dev.flashgroup.engine.order;

/**
 * RESERVED → PAID → SUCCEEDED → PICKED_UP (handed out at its pickup point); RESERVED → EXPIRED;
 * PAID → REFUNDING → REFUNDED.
 */
public enum OrderStatus {
  RESERVED, PAID, SUCCEEDED, EXPIRED, REFUNDING, REFUNDED, PICKED_UP
}
