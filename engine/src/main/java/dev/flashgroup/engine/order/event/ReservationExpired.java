package dev.flashgroup.engine.order.event;

import java.util.List;

/** expire_reservations.lua expired an unpaid order and gave its unit and group slot back. */
public record ReservationExpired(long at, List<OrderSnapshot> orders, @MayBeNull GroupSnapshot group)
    implements SnapshotEvent {

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
