package dev.flashgroup.engine.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.rabbitmq.AcknowledgableDelivery;
import reactor.rabbitmq.Receiver;
import reactor.rabbitmq.Sender;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker that writes every event into MySQL. A delivery is acknowledged only after its
 * transaction committed; a failed write is handed back to the broker, which retries it up to the
 * delivery limit and then dead-letters it. A message that cannot be parsed goes straight to the
 * dead-letter queue.
 */
@Component
class OrderProjector extends QueueWorker {

  private final OrderLedger ledger;
  private final JsonMapper json;

  OrderProjector(Receiver receiver, Sender sender, Topology topology, MessagingSettings settings,
      OrderLedger ledger, JsonMapper json, MeterRegistry meters) {
    super(receiver, sender, topology, settings, settings.ordersQueue(), meters);
    this.ledger = ledger;
    this.json = json;
  }

  @Override
  protected Mono<Void> handle(AcknowledgableDelivery delivery) {
    String type = delivery.getProperties().getType();
    EngineEvent event = json.readValue(delivery.getBody(), EngineEvent.class);
    return ledger.apply(type, event);
  }
}
