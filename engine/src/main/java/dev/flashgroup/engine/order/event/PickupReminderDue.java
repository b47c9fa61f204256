package dev.flashgroup.engine.order.event;

import dev.flashgroup.engine.kernel.ActivityId;

/**
 * take_reminders.lua found a pickup reminder due for a collectable order: the reminder worker tells
 * the buyer and the point's staff. {@code window} is the 0-based roll-over number, {@code from} and
 * {@code to} the window in epoch ms. It changes no order, so it carries no snapshot.
 */
public record PickupReminderDue(long at, String orderId, ActivityId activityId, long pointId, String buyerId,
    Kind kind, int window, long from, long to, boolean perishable) implements OrderEvent {

  /** At the window's start, or an hour before its end (perishable goods only). */
  public enum Kind { WINDOW_START, WINDOW_ENDING }

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
