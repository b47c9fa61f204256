package dev.flashgroup.engine.messaging;

/** The event types the Lua scripts append to an activity's stream. */
public final class EventTypes {

  public static final String RESERVATION_MADE = "ReservationMade";
  public static final String PAYMENT_CONFIRMED = "PaymentConfirmed";
  public static final String GROUP_SUCCEEDED = "GroupSucceeded";
  public static final String RESERVATION_EXPIRED = "ReservationExpired";
  public static final String GROUP_FAILED = "GroupFailed";
  public static final String REFUND_REQUESTED = "RefundRequested";
  public static final String REFUND_CONFIRMED = "RefundConfirmed";

  private EventTypes() {}
}
