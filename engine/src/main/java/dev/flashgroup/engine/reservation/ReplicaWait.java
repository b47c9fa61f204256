package dev.flashgroup.engine.reservation;

import dev.flashgroup.engine.durability.DurabilitySettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Runs reserve.lua so that the answer waits for {@code flashgroup.redis.min-replicas} replicas:
 * a {@code WAIT n timeout} sent after the script on the same connection (WAIT waits for the
 * writes of the connection it is sent on). Never on Lettuce's shared connection, where it would
 * hold up every other buyer's command for as long as the replicas take: reservations that wait go
 * round a few dedicated connections of their own, each with group commit ({@link ReplicaLane}:
 * one WAIT covers every script sent on it since the previous one), all asynchronous. Redis runs
 * nothing a client sent behind a blocked WAIT, so one WAIT per script let each connection confirm
 * only one reservation per replica round trip (docs/replica-wait.md has the measurements).
 * With min-replicas 0 nothing here runs (Reservations keeps its one-call path).
 *
 * <p>On a Redis Cluster WAIT counts the replicas of the node it is sent to: each primary gets lanes
 * of its own, connected straight to it, and a reservation goes round the lanes of the primary that
 * serves its activity's slot now (the cluster client's topology, refreshed on failover). A lane
 * left on a primary that became a replica answers MOVED: that buyer gets an error, the next goes
 * to the new primary's lanes (docs/cluster.md).
 */
@Component
class ReplicaWait implements DisposableBean {

  /** What reserve.lua answered and how many replicas had it when WAIT returned. */
  record Acknowledged(List<String> reply, long replicas) {}

  private final LettuceConnectionFactory factory;
  private final RedisScript<List<String>> reserve;
  private final ReplicaWaitSettings settings;
  private final int required;
  private final AtomicReferenceArray<CompletableFuture<ReplicaLane>> lanes;
  /** On a cluster: each primary's lanes, by its host:port. */
  private final Map<String, AtomicReferenceArray<CompletableFuture<ReplicaLane>>> primaryLanes = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  /** On a cluster: the plain client the primaries' lanes connect with, made on first use. */
  private volatile RedisClient nodeClient;

  ReplicaWait(LettuceConnectionFactory factory, RedisScript<List<String>> reserve, ReplicaWaitSettings settings,
      DurabilitySettings durability) {
    this.factory = factory;
    this.reserve = reserve;
    this.settings = settings;
    this.required = durability.minReplicas();
    this.lanes = new AtomicReferenceArray<>(settings.connections());
  }

  /** Whether reservations wait for replicas at all (min-replicas above 0). */
  boolean required() {
    return required > 0;
  }

  int replicasRequired() {
    return required;
  }

  Mono<Acknowledged> reserve(List<String> keys, List<String> args) {
    String[] keyArray = keys.toArray(String[]::new);
    String[] argArray = args.toArray(String[]::new);
    return Mono.fromCompletionStage(() -> lane(keyArray[0])).flatMap(lane -> Mono.fromCompletionStage(
        lane.reserve(reserve.getSha1(), reserve.getScriptAsString(), keyArray, argArray)));
  }

  /** The lanes a reservation on {@code key} goes round: the one Redis', or its slot's primary's. */
  private CompletableFuture<ReplicaLane> lane(String key) {
    if (!(factory.getRequiredNativeClient() instanceof RedisClusterClient cluster)) {
      RedisStandaloneConfiguration server = factory.getStandaloneConfiguration();
      return lane(lanes, server.getHostName(), server.getPort());
    }
    RedisClusterNode primary = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
    if (primary == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no primary serves the slot of " + key));
    }
    String host = primary.getUri().getHost();
    int port = primary.getUri().getPort();
    return lane(primaryLanes.computeIfAbsent(host + ":" + port, n -> new AtomicReferenceArray<>(settings.connections())),
        host, port);
  }

  /** The next dedicated connection's lane, opened (asynchronously) on first use and again after a failure. */
  private CompletableFuture<ReplicaLane> lane(AtomicReferenceArray<CompletableFuture<ReplicaLane>> lanes, String host,
      int port) {
    int slot = Math.floorMod(next.getAndIncrement(), lanes.length());
    CompletableFuture<ReplicaLane> current = lanes.get(slot);
    if (current != null && !current.isCompletedExceptionally() && (!current.isDone() || current.getNow(null).isOpen())) {
      return current;
    }
    CompletableFuture<ReplicaLane> opened = connect(host, port)
        .thenApply(connection -> new ReplicaLane(connection, required, settings.timeout().toMillis()));
    return lanes.compareAndSet(slot, current, opened) ? opened : lanes.get(slot);
  }

  private CompletableFuture<StatefulRedisConnection<String, String>> connect(String host, int port) {
    boolean cluster = factory.isClusterAware();
    RedisStandaloneConfiguration server = factory.getStandaloneConfiguration();
    RedisURI uri = RedisURI.builder()
        .withHost(host)
        .withPort(port)
        .withDatabase(cluster ? 0 : server.getDatabase())
        .withSsl(factory.getClientConfiguration().isUseSsl())
        .withTimeout(factory.getClientConfiguration().getCommandTimeout())
        .build();
    var credentials = cluster ? factory.getClusterConfiguration() : server;
    credentials.getPassword().toOptional().ifPresent(password -> uri.setCredentialsProvider(
        RedisCredentialsProvider.from(() -> RedisCredentials.just(credentials.getUsername(), password))));
    if (cluster) {
      // A plain client on the cluster client's resources (event loops, timers): a lane talks to one node.
      return nodeClient().connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
    }
    return ((RedisClient) factory.getNativeClient()).connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
  }

  private RedisClient nodeClient() {
    RedisClient client = nodeClient;
    if (client == null) {
      synchronized (this) {
        if (nodeClient == null) {
          nodeClient = RedisClient.create(factory.getClientResources());
        }
        client = nodeClient;
      }
    }
    return client;
  }

  @Override
  public void destroy() {
    close(lanes);
    primaryLanes.values().forEach(ReplicaWait::close);
    RedisClient client = nodeClient;
    if (client != null) {
      client.shutdownAsync();
    }
  }

  private static void close(AtomicReferenceArray<CompletableFuture<ReplicaLane>> lanes) {
    for (int i = 0; i < lanes.length(); i++) {
      CompletableFuture<ReplicaLane> lane = lanes.get(i);
      if (lane != null && lane.isDone() && !lane.isCompletedExceptionally()) {
        lane.getNow(null).close();
      }
    }
  }
}
