package dev.flashgroup.engine.order.event;

import java.util.List;

/**
 * The group failed at its deadline (or its activity was cancelled): unpaid members expired, paid
 * ones are being refunded. {@code orders} is empty when no member moved.
 */
public record GroupFailed(long at, @MayBeAbsent List<OrderSnapshot> orders, GroupSnapshot group)
    implements SnapshotEvent {

  public GroupFailed {
    orders = orders == null ? List.of() : orders;
  }

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
