package dev.flashgroup.engine.payment;

import dev.flashgroup.engine.messaging.QueueWorker;
import dev.flashgroup.engine.messaging.WorkQueue;
import dev.flashgroup.engine.messaging.WorkerTransport;
import dev.flashgroup.engine.order.event.EventReader;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.order.event.RefundRequested;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends the refunds the scripts requested to the payment gateway. Refund numbers are
 * deterministic, so a redelivered request asks the gateway for the same refund again, which pays
 * nothing twice. Its queue is bound to {@link RefundRequested} alone.
 */
@Component
class RefundWorker extends QueueWorker {

  private final PaymentGateway gateway;

  RefundWorker(WorkerTransport transport, PaymentGateway gateway) {
    super(transport, WorkQueue.REFUNDS);
    this.gateway = gateway;
  }

  @Override
  protected Mono<Void> handle(String type, byte[] body) {
    OrderEvent event = EventReader.read(type, body);
    if (!(event instanceof RefundRequested requested)) {
      return Mono.empty();
    }
    return Flux.fromIterable(requested.refunds())
        .concatMap(r -> gateway.refund(new PaymentGateway.RefundOrder(r.refundNo(), r.orderId(), r.amount(),
            r.total() > 0 ? r.total() : r.amount())))
        .then();
  }
}
