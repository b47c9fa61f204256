package dev.flashgroup.engine.durability;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a reservation waits for replicas when {@code flashgroup.redis.min-replicas} is above 0.
 *
 * @param timeout the WAIT timeout: how long a reservation waits for the replicas before it answers
 *     503 UNAVAILABLE (it stays made on the primary; a retry with its Idempotency-Key returns it)
 * @param connections dedicated Redis connections the waiting reservations share (WAIT holds the
 *     connection it is sent on, so it never goes on the shared one every other command uses); each
 *     has at most one WAIT out, covering every reservation sent on it since the previous one
 */
@ConfigurationProperties("flashgroup.redis.replica-wait")
public record ReplicaWaitSettings(@DefaultValue("PT1S") Duration timeout, @DefaultValue("8") int connections) {

  public ReplicaWaitSettings {
    if (timeout.toMillis() < 1 || timeout.toSeconds() > 60) {
      throw new IllegalArgumentException("flashgroup.redis.replica-wait.timeout must be 1 ms to 60 s");
    }
    if (connections < 1 || connections > 256) {
      throw new IllegalArgumentException("flashgroup.redis.replica-wait.connections must be 1..256");
    }
  }
}
