package dev.flashgroup.engine.messaging;

import dev.flashgroup.engine.kernel.EventType;

/** The queues workers consume, and the events each is bound to. */
public enum WorkQueue {
  /** Every event: the order ledger in MySQL. */
  ORDERS("#"),
  /** Refund requests only: the payment gateway. */
  REFUNDS(EventType.REFUND_REQUESTED.wireName()),
  /** Pickup reminders only: the notification channel. */
  REMINDERS(EventType.PICKUP_REMINDER_DUE.wireName());

  private final String bindingKey;

  WorkQueue(String bindingKey) {
    this.bindingKey = bindingKey;
  }

  String bindingKey() {
    return bindingKey;
  }

  String queueName(MessagingSettings settings) {
    return switch (this) {
      case ORDERS -> settings.ordersQueue();
      case REFUNDS -> settings.refundsQueue();
      case REMINDERS -> settings.remindersQueue();
    };
  }
}
