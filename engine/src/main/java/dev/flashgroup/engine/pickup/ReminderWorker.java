package dev.flashgroup.engine.pickup;

import dev.flashgroup.engine.messaging.QueueWorker;
import dev.flashgroup.engine.messaging.WorkQueue;
import dev.flashgroup.engine.messaging.WorkerTransport;
import dev.flashgroup.engine.notification.Notice;
import dev.flashgroup.engine.order.event.EventReader;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.order.event.PickupReminderDue;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends each due pickup reminder to the buyer and to every staff member of the point, each once
 * ({@link ReminderDeliveries}). Its queue is bound to {@link PickupReminderDue} alone. A failed
 * send is retried here, with the worker's backoff, then handed back to the broker (whose delivery
 * limit dead-letters it); the sweeper that appended the reminder has long moved on.
 */
@Component
class ReminderWorker extends QueueWorker {

  private final PickupPoints points;
  private final ReminderDeliveries deliveries;

  ReminderWorker(WorkerTransport transport, PickupPoints points, ReminderDeliveries deliveries) {
    super(transport, WorkQueue.REMINDERS);
    this.points = points;
    this.deliveries = deliveries;
  }

  @Override
  protected Mono<Void> handle(String type, byte[] body) {
    OrderEvent event = EventReader.read(type, body);
    if (!(event instanceof PickupReminderDue due)) {
      return Mono.empty();
    }
    return Flux.concat(Mono.just(due.buyerId()), points.staffOf(due.pointId()))
        .distinct()
        .concatMap(recipient -> deliveries.deliver(notice(due, recipient)))
        .then();
  }

  private static Notice notice(PickupReminderDue due, String recipient) {
    return new Notice(recipient, due.orderId(), due.pointId(), Notice.Kind.valueOf(due.kind().name()), due.window(),
        Instant.ofEpochMilli(due.from()), Instant.ofEpochMilli(due.to()), due.perishable());
  }
}
