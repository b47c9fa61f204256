package dev.flashgroup.engine.order;

import dev.flashgroup.engine.messaging.QueueWorker;
import dev.flashgroup.engine.messaging.WorkQueue;
import dev.flashgroup.engine.messaging.WorkerTransport;
import dev.flashgroup.engine.order.event.EventReader;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The worker that writes every event into MySQL. A delivery is acknowledged only after its
 * transaction committed; a failed write is handed back to the broker, which retries it up to the
 * delivery limit and then dead-letters it. A message that cannot be read as an event goes straight
 * to the dead-letter queue.
 */
@Component
class OrderProjector extends QueueWorker {

  private final OrderLedger ledger;

  OrderProjector(WorkerTransport transport, OrderLedger ledger) {
    super(transport, WorkQueue.ORDERS);
    this.ledger = ledger;
  }

  @Override
  protected Mono<Void> handle(String type, byte[] body) {
    return ledger.apply(EventReader.read(type, body));
  }
}
