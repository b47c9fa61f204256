package dev.flashgroup.engine.order.event;

import java.util.List;

/**
 * The group settled as a success. Written by confirm_payment.lua when a payment completed it
 * ({@code tx} and {@code paidOrder} name that payment) and by settle_groups.lua at the deadline
 * (no payment: both null; {@code orders} empty when no member moved).
 */
public record GroupSucceeded(long at, @MayBeAbsent String tx, @MayBeAbsent String paidOrder,
    @MayBeAbsent List<OrderSnapshot> orders, GroupSnapshot group) implements SnapshotEvent {

  public GroupSucceeded {
    orders = orders == null ? List.of() : orders;
  }

  /** Whether a payment completed the group (rather than its deadline). */
  public boolean completedByPayment() {
    return tx != null && paidOrder != null;
  }

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
