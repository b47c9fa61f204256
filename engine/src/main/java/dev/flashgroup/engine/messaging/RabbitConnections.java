package dev.flashgroup.engine.messaging;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One shared RabbitMQ connection, opened lazily and reopened when it is gone, so a broker that is
 * down at start-up or restarts later costs retries, not a restart of flashgroup. Opening a
 * connection blocks, so it happens on boundedElastic.
 *
 * <p>The relay publishes on a connection of its own that never recovers by itself
 * ({@link #publishing()}): a recovered channel numbers its publishes from 1 again, and the confirm
 * of a new message would then be taken for the confirm of an old one sent before the drop, which
 * the broker may never have received, and whose stream entry the relay would delete. A dropped
 * publishing connection stays closed; its channels fail every publish, the round fails, its entries
 * stay pending, and the next round opens a new connection.
 */
@Component
class RabbitConnections {

  /** How long a blocking channel operation waits for the broker's answer (recovery's included). */
  static final Duration RPC_TIMEOUT = Duration.ofSeconds(60);
  /** How long closing a connection at shutdown waits for the broker before its socket is dropped. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

  private final ConnectionFactory factory = new ConnectionFactory();
  private final ConnectionFactory publishingFactory;
  private final AtomicReference<Connection> current = new AtomicReference<>();
  private final AtomicReference<Connection> publishing = new AtomicReference<>();

  RabbitConnections(MessagingSettings settings) {
    factory.setHost(settings.host());
    factory.setPort(settings.port());
    factory.setUsername(settings.username());
    factory.setPassword(settings.password());
    factory.setVirtualHost(settings.virtualHost());
    factory.setAutomaticRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(settings.reconnectBackoff().toMillis());
    factory.setConnectionTimeout(3_000);
    // The client's default waits 10 minutes for a blocking channel operation's answer (channel
    // open and close, basic.consume / basic.cancel, a passive declare): a broker that stops
    // answering would hold a shutdown that long. A reply that comes after its timeout must not be
    // taken for the next call's.
    factory.setChannelRpcTimeout((int) RPC_TIMEOUT.toMillis());
    factory.setChannelShouldCheckRpcResponseType(true);
    factory.useNio();
    publishingFactory = factory.clone();
    publishingFactory.setAutomaticRecoveryEnabled(false);
    publishingFactory.setTopologyRecoveryEnabled(false);
  }

  Mono<Connection> connection() {
    return Mono.fromCallable(() -> openIfNeeded(current, factory, "flashgroup"))
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** The relay's publishing connection: reopened when gone, never recovered in place. */
  Mono<Connection> publishing() {
    return Mono.fromCallable(() -> openIfNeeded(publishing, publishingFactory, "flashgroup-relay"))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private synchronized Connection openIfNeeded(AtomicReference<Connection> slot, ConnectionFactory from, String name)
      throws Exception {
    Connection existing = slot.get();
    if (existing != null && existing.isOpen()) {
      return existing;
    }
    Connection fresh = from.newConnection(name);
    slot.set(fresh);
    return fresh;
  }

  @PreDestroy
  void close() {
    for (AtomicReference<Connection> slot : List.of(current, publishing)) {
      Connection existing = slot.getAndSet(null);
      if (existing != null) {
        // Also when it is not open: a connection in the middle of recovering is stopped only by
        // close or abort. Closes within the timeout, else drops the socket; errors are ignored.
        existing.abort((int) CLOSE_TIMEOUT.toMillis());
      }
    }
  }
}
