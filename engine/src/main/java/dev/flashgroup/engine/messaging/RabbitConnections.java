package dev.flashgroup.engine.messaging;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One shared RabbitMQ connection, opened lazily and reopened when it is gone, so a broker that is
 * down at start-up or restarts later costs retries, not a restart of flashgroup. Opening a
 * connection blocks, so it happens on boundedElastic.
 */
@Component
class RabbitConnections {

  private final ConnectionFactory factory = new ConnectionFactory();
  private final AtomicReference<Connection> current = new AtomicReference<>();

  RabbitConnections(MessagingSettings settings) {
    factory.setHost(settings.host());
    factory.setPort(settings.port());
    factory.setUsername(settings.username());
    factory.setPassword(settings.password());
    factory.setVirtualHost(settings.virtualHost());
    factory.setAutomaticRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(settings.reconnectBackoff().toMillis());
    factory.setConnectionTimeout(3_000);
    factory.useNio();
  }

  Mono<Connection> connection() {
    return Mono.fromCallable(this::openIfNeeded).subscribeOn(Schedulers.boundedElastic());
  }

  private synchronized Connection openIfNeeded() throws Exception {
    Connection existing = current.get();
    if (existing != null && existing.isOpen()) {
      return existing;
    }
    Connection fresh = factory.newConnection("flashgroup");
    current.set(fresh);
    return fresh;
  }

  @PreDestroy
  void close() throws IOException {
    Connection existing = current.getAndSet(null);
    if (existing != null && existing.isOpen()) {
      existing.close();
    }
  }
}
