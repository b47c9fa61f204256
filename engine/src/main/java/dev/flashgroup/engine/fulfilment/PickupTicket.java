package dev.flashgroup.engine.fulfilment;

import dev.flashgroup.engine.order.OrderStatus;
import java.time.Instant;

/** What the buyer shows at the point to collect an order, or why there is nothing to show. */
public sealed interface PickupTicket {

  /** When the order is collected; both ends set. */
  record Window(Instant from, Instant to) {}

  /** The window (null while there is none) and where the order stands in it. */
  record Schedule(Window window, PickupStatus status) {}

  /** The code (digits only) to show at point {@code pointId}. */
  record Code(String orderId, String code, long pointId, Window window, PickupStatus status) implements PickupTicket {}

  /** The order's activity delivers to no pickup point. */
  record NoPickup(String orderId) implements PickupTicket {}

  /** Not collectable (yet, or any more): no code is shown. */
  record NotCollectable(String orderId, OrderStatus status) implements PickupTicket {}
}
