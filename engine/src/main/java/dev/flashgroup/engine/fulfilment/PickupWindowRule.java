package dev.flashgroup.engine.fulfilment;

import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import java.time.Instant;

/**
 * The one place that decides an order's pickup window and status. Today the window is the
 * activity's {@code pickup.window} and the status follows from now: WAITING before it (or while
 * there is no window yet), READY from its start on (the order stays collectable after its end until
 * the roll-over timers exist). When orders carry their own window (pickup_from, pickup_to,
 * rollovers), it is read here instead, and ROLLED_OVER / OVERDUE are decided here too.
 */
final class PickupWindowRule {

  private PickupWindowRule() {}

  static PickupTicket.Schedule of(OrderView order, Pickup.Window activityWindow, Instant now) {
    PickupTicket.Window window = activityWindow == null ? null
        : new PickupTicket.Window(activityWindow.from(), activityWindow.to());
    if (order.status() == OrderStatus.PICKED_UP) {
      return new PickupTicket.Schedule(window, PickupStatus.PICKED_UP);
    }
    if (window == null || now.isBefore(window.from())) {
      return new PickupTicket.Schedule(window, PickupStatus.WAITING);
    }
    return new PickupTicket.Schedule(window, PickupStatus.READY);
  }
}
