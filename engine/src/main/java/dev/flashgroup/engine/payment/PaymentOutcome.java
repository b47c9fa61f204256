package dev.flashgroup.engine.payment;

import dev.flashgroup.engine.order.OrderStatus;

/** What asking to pay for an order led to. */
public sealed interface PaymentOutcome {

  record Started(PaymentGateway.PaymentStart start) implements PaymentOutcome {}

  /** The order is not RESERVED any more (paid already, expired, ...). */
  record NotPayable(OrderStatus status) implements PaymentOutcome {}

  /**
   * The order's group can no longer fill: its deadline (at the latest the activity's end) passed,
   * so it is about to fail. Taking the money now would only hold it until the refund.
   */
  record GroupClosing(String groupId) implements PaymentOutcome {}

  record NotYours() implements PaymentOutcome {}

  record Unknown() implements PaymentOutcome {}
}
