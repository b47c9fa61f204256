package dev.flashgroup.engine.messaging;

import dev.flashgroup.engine.kernel.EventType;

/** The queues workers consume, and the events each is bound to. */
public enum WorkQueue {
  /** Every event: the order ledger in MySQL. */
  ORDERS("#"),
  /** Refund requests only: the payment gateway. */
  REFUNDS(EventType.REFUND_REQUESTED.wireName());

  private final String bindingKey;

  WorkQueue(String bindingKey) {
    this.bindingKey = bindingKey;
  }

  String bindingKey() {
    return bindingKey;
  }

  String queueName(MessagingSettings settings) {
    return this == ORDERS ? settings.ordersQueue() : settings.refundsQueue();
  }
}
