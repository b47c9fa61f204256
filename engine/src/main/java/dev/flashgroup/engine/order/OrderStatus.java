package dev.flashgroup.engine.order;

/**
 * RESERVED → PAID → SUCCEEDED; RESERVED → EXPIRED; PAID → REFUNDING → REFUNDED; SUCCEEDED → OVERDUE
 * (not collected in its last pickup window).
 */
public enum OrderStatus {
  RESERVED, PAID, SUCCEEDED, EXPIRED, REFUNDING, REFUNDED, OVERDUE
}
