package dev.flashgroup.engine.order.event;

import java.util.List;

/**
 * confirm_payment.lua recorded transaction {@code tx} for {@code paidOrder} (a late payment leaves
 * the order REFUNDING); the order's group, if it has one, did not succeed by it.
 */
public record PaymentConfirmed(long at, String tx, String paidOrder, List<OrderSnapshot> orders,
    @MayBeNull GroupSnapshot group) implements SnapshotEvent {

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
