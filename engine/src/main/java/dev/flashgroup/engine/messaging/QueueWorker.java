package dev.flashgroup.engine.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.rabbitmq.AcknowledgableDelivery;
import reactor.rabbitmq.ConsumeOptions;
import reactor.rabbitmq.Receiver;
import reactor.rabbitmq.Sender;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;

/**
 * Consumes one queue with manual acknowledgements: ack after the work succeeded, nack with
 * requeue after a failure (the quorum queue's delivery limit bounds the retries), nack without
 * requeue for a message that cannot be parsed (a Jackson or IllegalArgumentException: poison).
 * The consumer re-subscribes after a broker outage. Features extend it with the work for one
 * message, or {@link BatchingQueueWorker} with the work for many in one transaction.
 */
public abstract class QueueWorker implements SmartLifecycle {

  final Logger log = LoggerFactory.getLogger(getClass());
  private final Receiver receiver;
  private final Sender sender;
  private final Topology topology;
  final MessagingSettings settings;
  final String queue;
  final Counter failures;
  final MeterRegistry meters;
  private volatile Disposable running;
  private volatile Sinks.Empty<Void> stopping = Sinks.empty();
  private volatile boolean stopped;

  protected QueueWorker(WorkerTransport transport, WorkQueue queue) {
    this.receiver = transport.receiver;
    this.sender = transport.sender;
    this.topology = transport.topology;
    this.settings = transport.settings;
    this.queue = queue.queueName(settings);
    this.meters = transport.meters;
    this.failures = Counter.builder("flashgroup.worker.failures").tag("queue", this.queue)
        .description("Messages a worker failed to process").register(transport.meters);
  }

  /**
   * The work for one message: its AMQP type (the event's type) and body (the event's data).
   * Completes once its effects are durable.
   */
  protected abstract Mono<Void> handle(String type, byte[] body);

  @Override
  public void start() {
    if (!settings.workersEnabled() || isRunning()) {
      return;
    }
    Sinks.Empty<Void> stop = Sinks.empty();
    stopping = stop;
    stopped = false;
    // Stopping ends the consumption, not the messages in hand: their transactions finish, so no
    // write is cut off half-way. Their acks may then meet the consumer's closed channel; the broker
    // delivers such a message again, which the idempotent work absorbs.
    running = Flux.defer(() -> topology.declare(sender)
            .thenMany(receiver.consumeManualAck(queue, new ConsumeOptions().qos(settings.prefetch()))))
        .takeUntilOther(stop.asMono())
        .transform(this::consume)
        // A stopped worker does not come back: its connection is about to close, and its topology
        // re-declared now would outlive the application (seen in tests: a closed context's worker
        // reconnecting after the nack of its last message in hand met the closed channel).
        .retryWhen(Retry.backoff(Long.MAX_VALUE, settings.reconnectBackoff()).maxBackoff(Duration.ofSeconds(5))
            .filter(e -> !stopped)
            .doBeforeRetry(signal -> log.warn("{} consumer lost, reconnecting: {}", queue, signal.failure().toString())))
        .doOnError(e -> {
          if (stopped) {
            log.debug("{} stopped; its last messages in hand ended with {}", queue, e.toString());
          }
        })
        .onErrorComplete(e -> stopped)
        .subscribe();
  }

  /** One by one, {@code concurrency} at once; a batching worker gathers them first. */
  Flux<?> consume(Flux<AcknowledgableDelivery> deliveries) {
    return deliveries.flatMap(this::process, settings.concurrency());
  }

  private Mono<Void> process(AcknowledgableDelivery delivery) {
    return process(delivery, Mono.defer(() -> handle(delivery.getProperties().getType(), delivery.getBody())));
  }

  /** The work for one delivery, then its ack; or its nack after a failure. Never fails itself. */
  Mono<Void> process(AcknowledgableDelivery delivery, Mono<Void> work) {
    // A database or gateway that is briefly away is waited out here, with backoff, before the
    // message is handed back: the broker's delivery limit is for poison, not for outages.
    return work
        .retryWhen(Retry.backoff(settings.retries(), Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
            .filter(e -> !isPoison(e)))
        .publishOn(Schedulers.boundedElastic())
        .doOnSuccess(done -> delivery.ack())
        .onErrorResume(e -> Mono.fromRunnable(() -> refuse(delivery, e)).subscribeOn(Schedulers.boundedElastic()).then());
  }

  /**
   * Hands a delivery back after a failure: requeued, or dead-lettered when it is poison. Blocks
   * briefly on the channel: call it off the event loops.
   */
  void refuse(AcknowledgableDelivery delivery, Throwable e) {
    failures.increment();
    boolean poison = isPoison(e);
    log.warn("{} message {} failed ({}): {}", queue, delivery.getProperties().getMessageId(),
        poison ? "dead-lettered" : "will retry", e.toString());
    delivery.nack(!poison);
  }

  static boolean isPoison(Throwable e) {
    return e instanceof JacksonException || e instanceof IllegalArgumentException;
  }

  @Override
  public void stop() {
    stopped = true;
    stopping.tryEmitEmpty();
    running = null;
  }

  @Override
  public boolean isRunning() {
    return running != null && !running.isDisposed();
  }
}
