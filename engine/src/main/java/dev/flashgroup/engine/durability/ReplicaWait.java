package dev.flashgroup.engine.durability;

import dev.flashgroup.engine.kernel.TopologyRefresh;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;
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
 * of its own, connected straight to it, and a script goes round the lanes of the primary that
 * serves its slot now (the cluster client's topology). The lanes are plain connections, so the
 * cluster client never sees their redirects: a lane's error reloads the topology at once
 * ({@link TopologyRefresh}), and a MOVED (the node refused the script, it ran nowhere) sends the
 * script once more, to the lanes of the node the answer names. A lane to a node that died fails at
 * once (no reconnect: its buyer gets 503, the next goes by the reloaded topology); its script may
 * have run, so it is not sent again (docs/cluster.md, "Failover").
 *
 * <p>Public for the features outside reservations that must wait for replicas too: a stock
 * transfer's take (StockTransfers) is replicated before its give.
 */
@Component
public class ReplicaWait implements DisposableBean {

  /** {@code MOVED <slot> <host>:<port>}: the slot is served by that node now. */
  private static final Pattern MOVED = Pattern.compile("^MOVED \\d+ (.+):(\\d+)$");

  /** What the script answered and how many replicas had it when WAIT returned. */
  public record Acknowledged(List<String> reply, long replicas) {}

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
  private final TopologyRefresh topology;
  private final LettuceExceptionConverter errors = new LettuceExceptionConverter();

  public ReplicaWait(LettuceConnectionFactory factory, RedisScript<List<String>> reserve, ReplicaWaitSettings settings,
      DurabilitySettings durability, TopologyRefresh topology) {
    this.factory = factory;
    this.topology = topology;
    this.reserve = reserve;
    this.settings = settings;
    this.required = durability.minReplicas();
    this.lanes = new AtomicReferenceArray<>(settings.connections());
  }

  /** Whether reservations wait for replicas at all (min-replicas above 0). */
  public boolean required() {
    return required > 0;
  }

  public int replicasRequired() {
    return required;
  }

  /** reserve.lua, answered once WAIT returned. */
  public Mono<Acknowledged> reserve(List<String> keys, List<String> args) {
    return run(reserve, keys, args);
  }

  /**
   * Runs {@code script} on a lane of its first key's primary and answers once a WAIT sent after it
   * returned. Redis' errors come as Spring's ({@code RedisSystemException} and its kin), as on the
   * shared connection.
   */
  public Mono<Acknowledged> run(RedisScript<List<String>> script, List<String> keys, List<String> args) {
    String[] keyArray = keys.toArray(String[]::new);
    String[] argArray = args.toArray(String[]::new);
    return Mono.fromCompletionStage(() -> lane(keyArray[0]))
        .flatMap(lane -> send(lane, script, keyArray, argArray))
        .onErrorResume(error -> follow(error, script, keyArray, argArray))
        .onErrorMap(this::translated);
  }

  private static Mono<Acknowledged> send(ReplicaLane lane, RedisScript<List<String>> script, String[] keys,
      String[] args) {
    return Mono.fromCompletionStage(lane.reserve(script.getSha1(), script.getScriptAsString(), keys, args));
  }

  /**
   * After a lane's error on a cluster: the topology is reloaded; a MOVED script (it ran nowhere)
   * goes once more, to the lanes of the node named; any other error is the caller's.
   */
  private Mono<Acknowledged> follow(Throwable error, RedisScript<List<String>> script, String[] keys, String[] args) {
    if (!(factory.getRequiredNativeClient() instanceof RedisClusterClient)) {
      return Mono.error(error);
    }
    topology.afterFailure(error);
    Matcher moved = error instanceof RedisCommandExecutionException ? MOVED.matcher(String.valueOf(error.getMessage()))
        : null;
    if (moved == null || !moved.matches()) {
      return Mono.error(error);
    }
    String host = moved.group(1);
    int port = Integer.parseInt(moved.group(2));
    return Mono.fromCompletionStage(() -> lane(lanesOf(host, port), host, port))
        .flatMap(lane -> send(lane, script, keys, args));
  }

  /** Lettuce's errors as Spring's; a lane's channel closed under it (its node died) as a connection failure. */
  private Throwable translated(Throwable error) {
    if (error instanceof RedisException redis) {
      Throwable spring = errors.convert(redis);
      return spring == null ? error : spring;
    }
    return error instanceof IOException ? new RedisConnectionFailureException("a replica-wait lane's connection failed",
        error) : error;
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
    return lane(lanesOf(host, port), host, port);
  }

  /** A primary's lanes (kept when it becomes a replica: it may be promoted again). */
  private AtomicReferenceArray<CompletableFuture<ReplicaLane>> lanesOf(String host, int port) {
    return primaryLanes.computeIfAbsent(host + ":" + port, n -> new AtomicReferenceArray<>(settings.connections()));
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
          RedisClient created = RedisClient.create(factory.getClientResources());
          // No reconnect: a lane whose node died fails its commands at once (instead of holding
          // them for the command timeout), and the next script opens a lane by the new topology.
          created.setOptions(ClientOptions.builder().autoReconnect(false).build());
          nodeClient = created;
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
