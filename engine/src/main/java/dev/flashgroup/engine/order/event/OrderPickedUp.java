package dev.flashgroup.engine.order.event;

import java.util.List;

/**
 * verify_pickup.lua handed the order out at point {@code pointId}, scanned by {@code staff} (the
 * token's subject); the order is PICKED_UP with {@code pickedUpAt}. {@code group} is always null.
 */
public record OrderPickedUp(long at, List<OrderSnapshot> orders, @MayBeNull GroupSnapshot group, long pointId,
    String staff) implements SnapshotEvent {

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
