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
  NOT_FOUND,
  AMOUNT_MISMATCH,
  OTHER_TRANSACTION
}
