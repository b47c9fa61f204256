package dev.flashgroup.engine.order.event;

import java.util.List;

/** reserve.lua took a unit for a buyer: the new order and, unless it is solo, its group. */
public record ReservationMade(long at, List<OrderSnapshot> orders, @MayBeNull GroupSnapshot group)
    implements SnapshotEvent {

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
