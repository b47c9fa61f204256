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
    @DefaultValue("true") boolean workersEnabled) {

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
