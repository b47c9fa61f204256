package dev.flashgroup.engine.kernel;

/**
 * The events the Lua scripts append to an activity's stream, by the name they carry on the wire:
 * the stream entry's {@code type} field, the AMQP message type and its routing key. The typed
 * events and their strict reader are in {@code order/event}; this list sits in the kernel because
 * the transport binds queues by these names without knowing the events themselves.
 */
public enum EventType {
  RESERVATION_MADE("ReservationMade"),
  PAYMENT_CONFIRMED("PaymentConfirmed"),
  GROUP_SUCCEEDED("GroupSucceeded"),
  GROUP_FAILED("GroupFailed"),
  RESERVATION_EXPIRED("ReservationExpired"),
  REFUND_REQUESTED("RefundRequested"),
  REFUND_CONFIRMED("RefundConfirmed"),
  ORDER_PICKED_UP("OrderPickedUp"),
  PICKUP_ROLLED_OVER("PickupRolledOver"),
  PICKUP_OVERDUE("PickupOverdue"),
  PICKUP_REMINDER_DUE("PickupReminderDue"),
  STOCK_LOW("StockLow");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The name as the scripts write it, e.g. {@code RefundRequested}. */
  public String wireName() {
    return wireName;
  }
}
