package dev.flashgroup.engine.messaging;

import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.rabbitmq.BindingSpecification;
import reactor.rabbitmq.ExchangeSpecification;
import reactor.rabbitmq.QueueSpecification;
import reactor.rabbitmq.Sender;

/**
 * Exchanges and quorum queues. The broker counts deliveries (x-delivery-limit) and moves a
 * message that keeps failing to the dead-letter queue, so a poison message cannot stall a worker.
 */
@Component
class Topology {

  private final MessagingSettings settings;
  private volatile boolean declared;

  Topology(MessagingSettings settings) {
    this.settings = settings;
  }

  /** Declare everything again next time, e.g. after the broker returned a message no queue took. */
  void forget() {
    declared = false;
  }

  Mono<Void> declare(Sender sender) {
    if (declared) {
      return Mono.empty();
    }
    Map<String, Object> quorum = Map.of(
        "x-queue-type", "quorum",
        "x-delivery-limit", settings.deliveryLimit(),
        "x-dead-letter-exchange", settings.deadLetterExchange());
    return sender.declareExchange(ExchangeSpecification.exchange(settings.eventsExchange()).type("topic").durable(true))
        .then(sender.declareExchange(ExchangeSpecification.exchange(settings.deadLetterExchange()).type("fanout").durable(true)))
        .then(sender.declareQueue(QueueSpecification.queue(settings.ordersQueue()).durable(true).arguments(quorum)))
        .then(sender.declareQueue(QueueSpecification.queue(settings.refundsQueue()).durable(true).arguments(quorum)))
        .then(sender.declareQueue(QueueSpecification.queue(settings.remindersQueue()).durable(true).arguments(quorum)))
        .then(sender.declareQueue(QueueSpecification.queue(settings.deadLetterQueue()).durable(true)
            .arguments(Map.of("x-queue-type", "quorum"))))
        .then(bind(sender, WorkQueue.ORDERS))
        .then(bind(sender, WorkQueue.REFUNDS))
        .then(bind(sender, WorkQueue.REMINDERS))
        .then(sender.bind(BindingSpecification.binding(settings.deadLetterExchange(), "", settings.deadLetterQueue())))
        .doOnSuccess(done -> declared = true)
        .then()
        // The Sender's declare calls take the channel's RPC lock and wait there while another
        // declaration is in flight; the relay calls this from a Redis event loop and the workers
        // from their retry timer, so it must never run on the caller's (non-blocking) thread.
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<?> bind(Sender sender, WorkQueue queue) {
    return sender.bind(BindingSpecification.binding(settings.eventsExchange(), queue.bindingKey(), queue.queueName(settings)));
  }
}
