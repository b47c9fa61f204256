package dev.flashgroup.engine.order.event;

import java.util.List;

/**
 * roll_over_pickups.lua found an order uncollected after its last roll-over: it is OVERDUE, for a
 * person to handle. {@code group} is always null.
 */
public record PickupOverdue(long at, List<OrderSnapshot> orders, @MayBeNull GroupSnapshot group)
    implements SnapshotEvent {

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
