package dev.flashgroup.engine.order.event;

import java.util.List;

/**
 * roll_over_pickups.lua moved an uncollected order to the same hours the next day; the snapshot
 * carries the new window and its roll-over count. {@code group} is always null.
 */
public record PickupRolledOver(long at, List<OrderSnapshot> orders, @MayBeNull GroupSnapshot group)
    implements SnapshotEvent {

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
