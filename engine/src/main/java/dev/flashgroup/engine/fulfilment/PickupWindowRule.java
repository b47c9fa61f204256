package dev.flashgroup.engine.fulfilment;

import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import java.time.Instant;

/**
 * The one place that decides an order's pickup window and status: the order's own window (set when
 * it became collectable, moved a day on by each roll-over), or before the projection or Redis
 * wrote it, the activity's {@code pickup.window}. PICKED_UP and OVERDUE follow the order's state;
 * otherwise WAITING before the window (ROLLED_OVER when it is a later day's window after a missed
 * one), READY from its start (until the roll-over timer moves it on), WAITING while no window is known.
 */
final class PickupWindowRule {

  private PickupWindowRule() {}

  static PickupTicket.Schedule of(OrderView order, Pickup.Window activityWindow, Instant now) {
    PickupTicket.Window window = order.window() != null
        ? new PickupTicket.Window(order.window().from(), order.window().to())
        : activityWindow == null ? null : new PickupTicket.Window(activityWindow.from(), activityWindow.to());
    if (order.status() == OrderStatus.PICKED_UP) {
      return new PickupTicket.Schedule(window, PickupStatus.PICKED_UP);
    }
    if (order.status() == OrderStatus.OVERDUE) {
      return new PickupTicket.Schedule(window, PickupStatus.OVERDUE);
    }
    if (window == null) {
      return new PickupTicket.Schedule(null, PickupStatus.WAITING);
    }
    if (now.isBefore(window.from())) {
      boolean rolledOver = order.window() != null && order.window().rollovers() > 0;
      return new PickupTicket.Schedule(window, rolledOver ? PickupStatus.ROLLED_OVER : PickupStatus.WAITING);
    }
    return new PickupTicket.Schedule(window, PickupStatus.READY);
  }
}
