package dev.flashgroup.engine.payment;

/** What a payment notification did to its order. */
public enum PaymentConfirmation {
  /** The order is paid (and a solo order succeeded). */
  PAID,
  /** The payment completed its group. */
  GROUP_SUCCEEDED,
  /** The order had expired; the payment is being refunded. */
  LATE_REFUND,
  /** The same transaction was reported before. */
  DUPLICATE,
  /** Redis does not hold the order (yet): its activity awaits a rebuild; the gateway should report it again later. */
  NOT_FOUND,
  /**
   * Redis no longer holds the order and never will (lost with Redis' data before it reached MySQL,
   * or retired): the money is being refunded, refund number {@code RF<transaction>}, once.
   */
  REFUNDED_UNKNOWN_ORDER,
  AMOUNT_MISMATCH,
  OTHER_TRANSACTION
}
