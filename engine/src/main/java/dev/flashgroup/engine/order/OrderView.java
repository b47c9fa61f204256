package dev.flashgroup.engine.order;

import java.time.Instant;

/**
 * An order's live state, as Redis holds it. {@code groupId} is null for a solo order.
 * {@code amount} is the price asked at reservation; {@code paidAmount} what the buyer paid (0 until
 * paid); {@code finalAmount} what the buyer pays in the end once the order settled (null before: a
 * tiered group's price is known only at its deadline; 0 when refunded in full);
 * {@code refundedAmount} what the payment gateway confirmed it sent back. {@code pointId} is the
 * pickup point it is collected at (null for an activity without points), {@code pickedUpAt} when
 * it was handed out there (null before), {@code window} its current pickup window (null until it is
 * collectable at a point).
 */
public record OrderView(String id, long activityId, String groupId, String buyerId, OrderStatus status,
    long amount, Instant payBy, long paidAmount, Long finalAmount, long refundedAmount, Long pointId,
    Instant pickedUpAt, Window window) {

  /** The window the order is collected in now, and how often it rolled over to the next day's. */
  public record Window(Instant from, Instant to, int rollovers) {}

  /**
   * Whether it can be handed out now: at a pickup point, SUCCEEDED (the group succeeded, or paid
   * alone) or OVERDUE (its last window passed; the staff may still hand it out).
   */
  public boolean collectable() {
    return pointId != null && (status == OrderStatus.SUCCEEDED || status == OrderStatus.OVERDUE);
  }
}
