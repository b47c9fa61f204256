package dev.flashgroup.engine.messaging;

import dev.flashgroup.engine.payment.PaymentGateway;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.rabbitmq.AcknowledgableDelivery;
import reactor.rabbitmq.Receiver;
import reactor.rabbitmq.Sender;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the refunds the scripts requested to the payment gateway. Refund numbers are
 * deterministic, so a redelivered request asks the gateway for the same refund again, which pays
 * nothing twice.
 */
@Component
class RefundWorker extends QueueWorker {

  private final PaymentGateway gateway;
  private final JsonMapper json;

  RefundWorker(Receiver receiver, Sender sender, Topology topology, MessagingSettings settings,
      PaymentGateway gateway, JsonMapper json, MeterRegistry meters) {
    super(receiver, sender, topology, settings, settings.refundsQueue(), meters);
    this.gateway = gateway;
    this.json = json;
  }

  @Override
  protected Mono<Void> handle(AcknowledgableDelivery delivery) {
    EngineEvent event = json.readValue(delivery.getBody(), EngineEvent.class);
    return Flux.fromIterable(event.refunds())
        .concatMap(r -> gateway.refund(new PaymentGateway.RefundOrder(r.refundNo(), r.orderId(), r.amount(),
            r.total() > 0 ? r.total() : r.amount())))
        .then();
  }
}
