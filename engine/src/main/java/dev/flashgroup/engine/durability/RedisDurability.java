package dev.flashgroup.engine.durability;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Reads, once at start-up, how Redis keeps what it acknowledged, and says in the log what a crash
 * would cost. With {@code flashgroup.redis.require-durable} it refuses to start when a crash could
 * lose an acknowledged reservation. It runs while the context is refreshed, on the main thread, so
 * its synchronous Redis calls block no event loop.
 */
@Component
class RedisDurability implements InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(RedisDurability.class);

  private final RedisConnectionFactory redis;
  private final DurabilitySettings settings;

  RedisDurability(RedisConnectionFactory redis, DurabilitySettings settings) {
    this.redis = redis;
    this.settings = settings;
  }

  @Override
  public void afterPropertiesSet() {
    check();
  }

  /** Logs the cost of a crash; throws when durability is required and not there. */
  Persistence check() {
    Persistence persistence = read();
    boolean risky = persistence.whyNotDurable(settings.minReplicas()).isPresent() || !persistence.lossless();
    for (String line : persistence.costOfACrash(settings.minReplicas())) {
      if (risky) {
        log.warn("Redis durability: {}", line);
      } else {
        log.info("Redis durability: {}", line);
      }
    }
    if (settings.requireDurable()) {
      persistence.whyNotDurable(settings.minReplicas()).ifPresent(reason -> {
        throw new IllegalStateException(reason + ", so a crash can lose acknowledged reservations;"
            + " flashgroup.redis.require-durable (FLASHGROUP_REDIS_REQUIRE_DURABLE) is true, so flashgroup"
            + " does not start. Turn on AOF (appendonly yes, appendfsync always) and connect the replicas,"
            + " or set FLASHGROUP_REDIS_REQUIRE_DURABLE=false to run knowing the risk.");
      });
    }
    return persistence;
  }

  /** What Redis says; a Redis that cannot be asked at all is treated as one that refuses CONFIG. */
  private Persistence read() {
    try {
      return ask();
    } catch (DataAccessException unreachable) {
      log.warn("Redis durability: Redis could not be asked ({})", unreachable.toString());
      return new Persistence(Optional.empty(), Optional.empty(),
          settings.minReplicas() > 0 ? Optional.of(0) : Optional.empty());
    }
  }

  private Persistence ask() {
    try (RedisConnection connection = redis.getConnection()) {
      Optional<String> appendOnly = config(connection, "appendonly");
      Optional<String> appendFsync = appendOnly.isPresent() ? config(connection, "appendfsync") : Optional.empty();
      Optional<Integer> replicas = settings.minReplicas() > 0 ? Optional.of(replicas(connection)) : Optional.empty();
      return new Persistence(appendOnly, appendFsync, replicas);
    }
  }

  /**
   * Empty when the server refuses CONFIG (managed services rename or forbid it). On a cluster the
   * answer holds every node's value ({@code host:port.appendonly}): the weakest one counts.
   */
  private static Optional<String> config(RedisConnection connection, String name) {
    try {
      Properties answer = connection.serverCommands().getConfig(name);
      if (answer == null) {
        return Optional.empty();
      }
      java.util.Set<String> values = new java.util.TreeSet<>();
      answer.stringPropertyNames().stream().filter(key -> key.equals(name) || key.endsWith("." + name))
          .forEach(key -> values.add(answer.getProperty(key)));
      return weakest(name, values);
    } catch (RuntimeException refused) {
      log.info("CONFIG GET {} refused: {}", name, refused.toString());
      return Optional.empty();
    }
  }

  /** The value of the node keeping least: appendonly {@code no}, appendfsync {@code no} then {@code everysec}. */
  static Optional<String> weakest(String name, java.util.Set<String> values) {
    if (values.size() <= 1) {
      return values.stream().findFirst();
    }
    for (String weak : List.of("no", "everysec")) {
      if (values.contains(weak)) {
        return Optional.of(weak);
      }
    }
    return Optional.of(values.iterator().next());
  }

  /** Connected replicas; on a cluster, of the primary that has fewest (a replica's own entry says 0). */
  private static int replicas(RedisConnection connection) {
    Properties info = connection.serverCommands().info("replication");
    if (info == null) {
      return 0;
    }
    return info.stringPropertyNames().stream()
        .filter(key -> key.equals("connected_slaves") || key.endsWith(".connected_slaves"))
        .filter(key -> {
          String role = info.getProperty(key.equals("connected_slaves") ? "role"
              : key.substring(0, key.length() - "connected_slaves".length()) + "role");
          return role == null || role.trim().equals("master");
        })
        .mapToInt(key -> Integer.parseInt(info.getProperty(key).trim()))
        .min().orElse(0);
  }
}
