package dev.flashgroup.engine.kernel;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisStreamReactiveCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Whether flashgroup runs on one Redis or on a Redis Cluster, and connections of a component's own
 * (for blocking reads, which must never sit on the shared, multiplexed connection) that work on
 * either: a cluster connection routes each single-slot command to the slot's primary and follows
 * the topology as the shared one does. See docs/cluster.md.
 */
@Component
public class RedisTopology {

  private final LettuceConnectionFactory factory;

  public RedisTopology(LettuceConnectionFactory factory) {
    this.factory = factory;
  }

  public boolean cluster() {
    return factory.isClusterAware();
  }

  /** The Redis Cluster slot of a key (its hash tag's, when it has one). */
  public static int slot(String key) {
    return SlotHash.getSlot(key);
  }

  /**
   * A new connection of the caller's own, opened off the event loops (connecting blocks); its command
   * timeout is the factory's plus {@code extraTimeout} (room for a blocking read's wait). Empty when
   * the connecting thread was interrupted (the caller cancelled meanwhile).
   */
  public Mono<StatefulConnection<String, String>> dedicated(Duration extraTimeout) {
    return Mono.<StatefulConnection<String, String>>fromCallable(() -> {
      Object client = factory.getRequiredNativeClient();
      StatefulConnection<String, String> made;
      try {
        if (client instanceof RedisClusterClient cluster) {
          made = cluster.connect();
        } else if (client instanceof RedisClient single) {
          made = single.connect();
        } else {
          throw new IllegalStateException("unknown Lettuce client " + client);
        }
      } catch (RedisConnectionException e) {
        if (e.getCause() instanceof InterruptedException) {
          // The caller gave up while connecting (its subscription was cancelled, which interrupts
          // this thread) and nobody waits for an answer: answering empty keeps Reactor from
          // logging the dropped error as one. (Lettuce may still finish opening that connection,
          // left unclosed, as before; opening without interruption and closing it once open was
          // tried and made the relay log "Connection is already closed" hundreds of times a spike.)
          Thread.currentThread().interrupt();
          return null;
        }
        throw e;
      }
      made.setTimeout(extraTimeout.plus(Duration.ofMillis(factory.getTimeout())));
      return made;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  /** Stream commands of a connection {@link #dedicated} opened, routed by key on a cluster. */
  public static RedisStreamReactiveCommands<String, String> streams(StatefulConnection<String, String> connection) {
    if (connection instanceof StatefulRedisClusterConnection<String, String> cluster) {
      return cluster.reactive();
    }
    if (connection instanceof StatefulRedisConnection<String, String> single) {
      return single.reactive();
    }
    throw new IllegalStateException("unknown Lettuce connection " + connection);
  }
}
