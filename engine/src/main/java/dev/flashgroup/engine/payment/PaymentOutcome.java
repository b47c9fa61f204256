package dev.flashgroup.engine.payment;

import dev.flashgroup.engine.order.OrderStatus;

/** What asking to pay for an order led to. */
public sealed interface PaymentOutcome {

  record Started(PaymentGateway.PaymentStart start) implements PaymentOutcome {}

  /** The order is not RESERVED any more (paid already, expired, ...). */
  record NotPayable(OrderStatus status) implements PaymentOutcome {}

  record NotYours() implements PaymentOutcome {}

  record Unknown() implements PaymentOutcome {}
}
