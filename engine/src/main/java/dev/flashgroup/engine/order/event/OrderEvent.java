package dev.flashgroup.engine.order.event;

/**
 * An event a Lua script appended to an activity's stream, read strictly by {@link EventReader}.
 * Every event but {@link RefundRequested}, {@link PickupReminderDue} and {@link StockLow} carries snapshots of what it changed ({@link SnapshotEvent}),
 * so a consumer can apply events in any order and more than once. {@code at} is the time the
 * script was given, in epoch milliseconds.
 *
 * <p>A consumer that must decide for every event implements {@link Handler}: adding an event adds a
 * method there, and every handler stops compiling until it says what the new event means to it.
 */
public sealed interface OrderEvent permits SnapshotEvent, RefundRequested, PickupReminderDue, StockLow {

  long at();

  <R> R accept(Handler<R> handler);

  /** What a consumer does with each kind of event. */
  interface Handler<R> {

    R on(ReservationMade event);

    R on(PaymentConfirmed event);

    R on(GroupSucceeded event);

    R on(GroupFailed event);

    R on(ReservationExpired event);

    R on(RefundRequested event);

    R on(RefundConfirmed event);

    R on(OrderPickedUp event);

    R on(PickupRolledOver event);

    R on(PickupOverdue event);

    R on(PickupReminderDue event);

    R on(StockLow event);
  }
}
