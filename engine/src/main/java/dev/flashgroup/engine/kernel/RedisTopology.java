package dev.flashgroup.engine.kernel;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisStreamReactiveCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
   * timeout is the factory's plus {@code extraTimeout} (room for a blocking read's wait). A caller
   * that gives up while it is being opened does not interrupt the opening (an interrupted connect
   * used to be logged as a dropped error, and Lettuce may finish it anyway): the connection is
   * closed as soon as it is open.
   */
  public Mono<StatefulConnection<String, String>> dedicated(Duration extraTimeout) {
    return Mono.defer(() -> {
      CompletableFuture<StatefulConnection<String, String>> opening = CompletableFuture.supplyAsync(() -> {
        StatefulConnection<String, String> made = connect();
        made.setTimeout(extraTimeout.plus(Duration.ofMillis(factory.getTimeout())));
        return made;
      }, task -> Schedulers.boundedElastic().schedule(task));
      return Mono.fromFuture(opening, true)
          .doOnCancel(() -> opening.thenAccept(StatefulConnection::closeAsync));
    });
  }

  private StatefulConnection<String, String> connect() {
    Object client = factory.getRequiredNativeClient();
    if (client instanceof RedisClusterClient cluster) {
      return cluster.connect();
    }
    if (client instanceof RedisClient single) {
      return single.connect();
    }
    throw new IllegalStateException("unknown Lettuce client " + client);
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
