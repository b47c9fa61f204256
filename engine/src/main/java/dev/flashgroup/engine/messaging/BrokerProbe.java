package dev.flashgroup.engine.messaging;

import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Tells whether RabbitMQ answers, for health checks. */
@Component
public class BrokerProbe {

  private final RabbitConnections connections;

  BrokerProbe(RabbitConnections connections) {
    this.connections = connections;
  }

  public Mono<String> serverVersion() {
    return connections.connection()
        .map(c -> String.valueOf(c.getServerProperties().get("version")))
        .timeout(Duration.ofSeconds(3));
  }
}
