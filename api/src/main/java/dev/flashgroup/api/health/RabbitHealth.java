package dev.flashgroup.api.health;

import dev.flashgroup.engine.messaging.BrokerProbe;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** RabbitMQ's part of /actuator/health (Redis and R2DBC have Boot's own indicators). */
@Component("rabbit")
class RabbitHealth implements ReactiveHealthIndicator {

  private final BrokerProbe broker;

  RabbitHealth(BrokerProbe broker) {
    this.broker = broker;
  }

  @Override
  public Mono<Health> health() {
    return broker.serverVersion()
        .map(version -> Health.up().withDetail("version", version).build())
        .onErrorResume(e -> Mono.just(Health.down().withDetail("error", e.toString()).build()));
  }
}
