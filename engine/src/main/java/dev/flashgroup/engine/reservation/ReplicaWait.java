package dev.flashgroup.engine.reservation;

import dev.flashgroup.engine.durability.DurabilitySettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.util.List;
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
  private final AtomicInteger next = new AtomicInteger();

  ReplicaWait(LettuceConnectionFactory factory, RedisScript<List<String>> reserve, ReplicaWaitSettings settings,
      DurabilitySettings durability) {
    this.factory = factory;
    this.reserve = reserve;
    this.settings = settings;
    this.required = durability.minReplicas();
    this.lanes = new AtomicReferenceArray<>(settings.connections());
    if (required > 0 && factory.isClusterAware()) {
      // WAIT counts the replicas of the node it is sent to, for that connection's writes: on a
      // cluster each primary would need lanes of its own (docs/cluster.md says what to use instead).
      throw new IllegalStateException("flashgroup.redis.min-replicas > 0 is not supported on a Redis Cluster");
    }
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
    return Mono.fromCompletionStage(this::lane).flatMap(lane -> Mono.fromCompletionStage(
        lane.reserve(reserve.getSha1(), reserve.getScriptAsString(), keyArray, argArray)));
  }

  /** The next dedicated connection's lane, opened (asynchronously) on first use and again after a failure. */
  private CompletableFuture<ReplicaLane> lane() {
    int slot = Math.floorMod(next.getAndIncrement(), lanes.length());
    CompletableFuture<ReplicaLane> current = lanes.get(slot);
    if (current != null && !current.isCompletedExceptionally() && (!current.isDone() || current.getNow(null).isOpen())) {
      return current;
    }
    CompletableFuture<ReplicaLane> opened = connect()
        .thenApply(connection -> new ReplicaLane(connection, required, settings.timeout().toMillis()));
    return lanes.compareAndSet(slot, current, opened) ? opened : lanes.get(slot);
  }

  private CompletableFuture<StatefulRedisConnection<String, String>> connect() {
    RedisStandaloneConfiguration server = factory.getStandaloneConfiguration();
    RedisURI uri = RedisURI.builder()
        .withHost(server.getHostName())
        .withPort(server.getPort())
        .withDatabase(server.getDatabase())
        .withSsl(factory.getClientConfiguration().isUseSsl())
        .withTimeout(factory.getClientConfiguration().getCommandTimeout())
        .build();
    server.getPassword().toOptional().ifPresent(password -> uri.setCredentialsProvider(
        RedisCredentialsProvider.from(() -> RedisCredentials.just(server.getUsername(), password))));
    return ((RedisClient) factory.getNativeClient()).connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
  }

  @Override
  public void destroy() {
    for (int i = 0; i < lanes.length(); i++) {
      CompletableFuture<ReplicaLane> lane = lanes.get(i);
      if (lane != null && lane.isDone() && !lane.isCompletedExceptionally()) {
        lane.getNow(null).close();
      }
    }
  }
}
