package dev.flashgroup.engine.order;

/**
 * RESERVED → PAID → SUCCEEDED → PICKED_UP (handed out at its pickup point); RESERVED → EXPIRED;
 * PAID → REFUNDING → REFUNDED; SUCCEEDED → OVERDUE (not collected in its last pickup window).
 */
public enum OrderStatus {
  RESERVED, PAID, SUCCEEDED, EXPIRED, REFUNDING, REFUNDED, PICKED_UP, OVERDUE
}
