package dev.flashgroup.engine.messaging;

import java.util.Arrays;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.rabbitmq.QueueSpecification;
import reactor.rabbitmq.Sender;

/**
 * Messages waiting for the workers: the ready count of every work queue (orders, refunds,
 * reminders), summed. A passive declare per queue, so the broker answers from its own count; the
 * messages a worker holds unacknowledged are not in it (AMQP does not tell them).
 */
@Component
public final class WorkBacklog {

  private final Sender sender;
  private final MessagingSettings settings;

  WorkBacklog(Sender sender, MessagingSettings settings) {
    this.sender = sender;
    this.settings = settings;
  }

  /** Ready messages in the work queues; an error when the broker or a queue is missing. */
  public Mono<Long> waiting() {
    return Flux.fromIterable(Arrays.asList(WorkQueue.values()))
        // One after another: they share the sender's resource-management channel, which takes
        // one RPC at a time.
        .concatMap(queue -> sender.declareQueue(QueueSpecification.queue(queue.queueName(settings)).passive(true)))
        .map(ok -> (long) ok.getMessageCount())
        .reduce(0L, Long::sum);
  }
}
