package dev.flashgroup.engine.durability;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What Redis must promise before this instance takes reservations. Shares the {@code flashgroup.redis}
 * prefix with the key namespace: both describe the one Redis the engine runs on.
 *
 * @param minReplicas replicas that must be connected to the primary at start-up (0: none asked for)
 * @param requireDurable refuse to start when Redis cannot keep an acknowledged reservation through
 *     a crash: AOF off, persistence that cannot be read, or fewer replicas than {@code minReplicas}
 */
@ConfigurationProperties("flashgroup.redis")
public record DurabilitySettings(@DefaultValue("0") int minReplicas, @DefaultValue("false") boolean requireDurable) {

  /** A primary with more replicas than this is not a configuration anyone runs. */
  static final int MOST_REPLICAS = 64;

  public DurabilitySettings {
    if (minReplicas < 0 || minReplicas > MOST_REPLICAS) {
      throw new IllegalArgumentException("flashgroup.redis.min-replicas must be 0.." + MOST_REPLICAS);
    }
  }
}
