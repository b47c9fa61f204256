package dev.flashgroup.engine.order;

import dev.flashgroup.engine.messaging.BatchingQueueWorker;
import dev.flashgroup.engine.messaging.WorkQueue;
import dev.flashgroup.engine.messaging.WorkerTransport;
import dev.flashgroup.engine.order.event.EventReader;
import dev.flashgroup.engine.order.event.OrderEvent;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The worker that writes every event into MySQL, many events per transaction
 * ({@code flashgroup.messaging.batch}). Deliveries are acknowledged only after the transaction
 * that wrote them committed; a batch that fails is written again one event at a time, and a write
 * that keeps failing is handed back to the broker, which retries it up to the delivery limit and
 * then dead-letters it. A message that cannot be read as an event goes straight to the
 * dead-letter queue.
 */
@Component
class OrderProjector extends BatchingQueueWorker<OrderEvent> {

  private final OrderLedger ledger;

  OrderProjector(WorkerTransport transport, OrderLedger ledger) {
    super(transport, WorkQueue.ORDERS);
    this.ledger = ledger;
  }

  @Override
  protected OrderEvent read(String type, byte[] body) {
    return EventReader.read(type, body);
  }

  @Override
  protected Mono<Void> applyAll(List<OrderEvent> events) {
    return ledger.apply(events);
  }
}
