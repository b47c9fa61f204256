package dev.flashgroup.engine.messaging;

import dev.flashgroup.engine.kernel.LockConflict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.rabbitmq.AcknowledgableDelivery;
import reactor.util.retry.Retry;

/**
 * A worker whose work is a database write, done for many messages in one transaction: it gathers
 * up to {@code batch.size} deliveries (or what arrived within {@code batch.linger} of the first),
 * reads each, applies them all in one transaction and, once that committed, acknowledges them with
 * one multiple-ack up to the last. So an ack still means "committed", for every message it covers.
 *
 * <p>A message that cannot be read is dead-lettered on its own before the batch is written, as a
 * one-by-one worker would do with it. A batch whose transaction met another batch's row locks (a
 * deadlock, a lock wait timeout: nothing of it was written) is tried again as a whole, up to
 * {@value #CONFLICT_RETRIES} times. A batch whose transaction fails otherwise (a constraint, the
 * database gone), or keeps conflicting, is written again one message at a time, each with the usual
 * retries and then its own ack or nack, so one bad message holds up nothing but itself and lands
 * where it would have alone.
 *
 * <p>Batches are written up to {@code batch.concurrency} at once but settled in delivery order: a
 * multiple-ack covers every unsettled delivery below its tag, so every earlier batch must be settled
 * first. A batch never spans two channels: a lost consumer drops what was gathered (the broker
 * redelivers it) and starts over.
 *
 * @param <T> what one message is read into
 */
public abstract class BatchingQueueWorker<T> extends QueueWorker {

  /** Times a batch rolled back by a lock conflict is tried again whole before it goes one by one. */
  static final int CONFLICT_RETRIES = 3;
  private static final Duration CONFLICT_BACKOFF = Duration.ofMillis(20);

  private final DistributionSummary batches;
  private final Counter fallbacks;
  private final Counter conflicts;

  protected BatchingQueueWorker(WorkerTransport transport, WorkQueue queue) {
    super(transport, queue);
    this.batches = DistributionSummary.builder("flashgroup.worker.batch").tag("queue", this.queue)
        .description("Messages a worker committed in one transaction").register(meters);
    this.fallbacks = Counter.builder("flashgroup.worker.batch.fallbacks").tag("queue", this.queue)
        .description("Batches whose transaction failed and that were written again one by one").register(meters);
    this.conflicts = Counter.builder("flashgroup.worker.batch.conflicts").tag("queue", this.queue)
        .description("Batches rolled back by a lock conflict (deadlock, lock wait timeout) and tried again whole")
        .register(meters);
  }

  /**
   * Reads one message: its AMQP type and body. A {@code JacksonException} or an
   * {@code IllegalArgumentException} marks it poison (dead-lettered at once).
   */
  protected abstract T read(String type, byte[] body);

  /**
   * Applies every item in one transaction, with the same result as applying them one at a time in
   * the order given; completes once committed.
   */
  protected abstract Mono<Void> applyAll(List<T> items);

  @Override
  protected final Mono<Void> handle(String type, byte[] body) {
    return Mono.fromCallable(() -> read(type, body)).flatMap(item -> applyAll(List.of(item)));
  }

  @Override
  Flux<?> consume(Flux<AcknowledgableDelivery> deliveries) {
    MessagingSettings.Batch batch = settings.batch();
    return deliveries
        // Fair backpressure: no batch is emitted (and no delivery taken) without demand for it.
        .bufferTimeout(batch.size(), batch.linger(), true)
        .flatMapSequential(this::write, batch.concurrency(), 1)
        // Acks wait for the channel (and retry while the connection recovers): off the event loops.
        .publishOn(Schedulers.boundedElastic())
        .doOnNext(last -> last.ack(true));
  }

  /**
   * Writes one batch. Emits the delivery to acknowledge with a multiple-ack (the batch's last
   * readable one); completes empty when every delivery was already settled on its own.
   */
  private Mono<AcknowledgableDelivery> write(List<AcknowledgableDelivery> deliveries) {
    Gathered gathered = gather(deliveries);
    if (gathered.items.isEmpty()) {
      return gathered.refuseUnread().then(Mono.empty());
    }
    AcknowledgableDelivery last = gathered.readable.get(gathered.readable.size() - 1);
    return gathered.refuseUnread()
        .then(Mono.defer(() -> applyAll(gathered.items))
            .retryWhen(Retry.backoff(CONFLICT_RETRIES, CONFLICT_BACKOFF).filter(LockConflict::is)
                .doBeforeRetry(signal -> conflicts.increment())
                .onRetryExhaustedThrow((spec, signal) -> signal.failure())))
        .doOnSuccess(done -> batches.record(gathered.items.size()))
        .thenReturn(last)
        .onErrorResume(e -> Mono.fromRunnable(() -> {
              fallbacks.increment();
              log.warn("{} batch of {} failed, writing its messages one by one: {}", queue, gathered.items.size(),
                  e.toString());
            })
            .subscribeOn(Schedulers.boundedElastic())
            .then(oneByOne(gathered))
            .then(Mono.empty()));
  }

  private Gathered gather(List<AcknowledgableDelivery> deliveries) {
    Gathered gathered = new Gathered(deliveries.size());
    for (AcknowledgableDelivery delivery : deliveries) {
      try {
        gathered.items.add(read(delivery.getProperties().getType(), delivery.getBody()));
        gathered.readable.add(delivery);
      } catch (RuntimeException e) {
        gathered.unread.add(new Refused(delivery, e));
      }
    }
    return gathered;
  }

  /** In delivery order, each with the one-by-one worker's retries, ack and nack. */
  private Mono<Void> oneByOne(Gathered gathered) {
    return Flux.range(0, gathered.items.size())
        .concatMap(i -> process(gathered.readable.get(i), Mono.defer(() -> applyAll(List.of(gathered.items.get(i))))))
        .then();
  }

  private record Refused(AcknowledgableDelivery delivery, RuntimeException cause) {}

  /** One batch's deliveries: the readable ones with what they read into, and the unreadable. */
  private final class Gathered {

    final List<AcknowledgableDelivery> readable;
    final List<T> items;
    final List<Refused> unread = new ArrayList<>();

    Gathered(int size) {
      readable = new ArrayList<>(size);
      items = new ArrayList<>(size);
    }

    /**
     * Settles the unreadable before the batch is written (poison dead-lettered, anything else
     * handed back), so the batch's multiple-ack finds them settled.
     */
    Mono<Void> refuseUnread() {
      if (unread.isEmpty()) {
        return Mono.empty();
      }
      return Mono.fromRunnable(() -> unread.forEach(p -> refuse(p.delivery(), p.cause())))
          .subscribeOn(Schedulers.boundedElastic()).then();
    }
  }
}
