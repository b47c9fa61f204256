package dev.flashgroup.engine.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * RabbitMQ connection and topology. The password comes from the environment in production
 * ({@code FLASHGROUP_MESSAGING_PASSWORD}); guest/guest only reaches a broker on localhost.
 *
 * @param prefix prefix of the exchange and queue names, so tests and tenants can share a broker
 * @param deliveryLimit deliveries of one message before the broker dead-letters it
 * @param prefetch unacknowledged messages a worker holds at once
 * @param concurrency messages a worker processes at once (each holds a database connection)
 * @param retries attempts with backoff (200 ms doubling to 5 s) a worker makes on a message
 *     before handing it back to the broker
 * @param workersEnabled whether this instance consumes (switch off for an API-only instance)
 * @param batch how the workers that write MySQL (the order projector) take many messages per
 *     transaction; the others (refunds, reminders) call a gateway per message and do not batch
 */
@ConfigurationProperties("flashgroup.messaging")
public record MessagingSettings(
    @DefaultValue("localhost") String host,
    @DefaultValue("5672") int port,
    @DefaultValue("guest") String username,
    @DefaultValue("guest") String password,
    @DefaultValue("/") String virtualHost,
    @DefaultValue("flashgroup") String prefix,
    @DefaultValue("5") int deliveryLimit,
    @DefaultValue("256") int prefetch,
    @DefaultValue("8") int concurrency,
    @DefaultValue("8") int retries,
    @DefaultValue("true") boolean workersEnabled,
    @DefaultValue Batch batch) {

  /**
   * A batching worker gathers up to {@code size} deliveries, or what arrived within {@code linger}
   * of the first, applies them in one transaction and acknowledges them together after the commit.
   * Up to {@code concurrency} batches are written at once (each holds a database connection); the
   * {@code prefetch} above bounds what is in hand, so keep it at least {@code size * concurrency}.
   *
   * @param size messages in one transaction at most (1-1000; 1 writes one by one)
   * @param linger how long a batch waits for more messages after its first
   * @param concurrency batches in flight at once
   */
  public record Batch(
      @DefaultValue("100") int size,
      @DefaultValue("PT0.01S") Duration linger,
      @DefaultValue("2") int concurrency) {

    /** Above this a multi-row statement carries tens of thousands of parameters. */
    static final int LARGEST = 1000;

    public Batch {
      if (size < 1 || size > LARGEST) {
        throw new IllegalArgumentException("flashgroup.messaging.batch.size must be 1-" + LARGEST + ", not " + size);
      }
      if (linger == null || linger.isNegative() || linger.isZero()) {
        throw new IllegalArgumentException("flashgroup.messaging.batch.linger must be positive, not " + linger);
      }
      if (concurrency < 1) {
        throw new IllegalArgumentException("flashgroup.messaging.batch.concurrency must be at least 1, not "
            + concurrency);
      }
    }
  }

  public String eventsExchange() {
    return prefix + ".events";
  }

  public String deadLetterExchange() {
    return prefix + ".dead";
  }

  public String ordersQueue() {
    return prefix + ".orders";
  }

  public String refundsQueue() {
    return prefix + ".refunds";
  }

  public String remindersQueue() {
    return prefix + ".reminders";
  }

  public String deadLetterQueue() {
    return prefix + ".dead-letters";
  }

  /** Pause before reconnecting to a broker that went away. */
  Duration reconnectBackoff() {
    return Duration.ofMillis(500);
  }
}
