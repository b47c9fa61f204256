package dev.flashgroup.engine.messaging;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * RabbitMQ's part of /actuator/health (Redis and R2DBC have Boot's own indicators). It lives with
 * the connections it probes, so the api needs nothing of messaging to report it.
 */
@Component("rabbit")
class BrokerHealth implements ReactiveHealthIndicator {

  private final RabbitConnections connections;

  BrokerHealth(RabbitConnections connections) {
    this.connections = connections;
  }

  @Override
  public Mono<Health> health() {
    return connections.connection()
        .map(c -> String.valueOf(c.getServerProperties().get("version")))
        .timeout(Duration.ofSeconds(3))
        .map(version -> Health.up().withDetail("version", version).build())
        .onErrorResume(e -> Mono.just(Health.down().withDetail("error", e.toString()).build()));
  }
}
