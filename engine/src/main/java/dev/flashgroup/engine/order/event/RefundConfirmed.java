package dev.flashgroup.engine.order.event;

import java.util.List;

/** confirm_refund.lua recorded the refund the gateway confirmed; {@code group} is always null. */
public record RefundConfirmed(long at, String refundNo, List<OrderSnapshot> orders,
    @MayBeNull GroupSnapshot group) implements SnapshotEvent {

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
