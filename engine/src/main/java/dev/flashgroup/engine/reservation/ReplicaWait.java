package dev.flashgroup.engine.reservation;

import dev.flashgroup.engine.durability.DurabilitySettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
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
 * {@code WAIT n timeout} right behind the script, on the same connection (WAIT waits for the
 * writes of the connection it is sent on). Never on Lettuce's shared connection, where it would
 * hold up every other buyer's command for as long as the replicas take: reservations that wait go
 * round a few dedicated connections of their own, the script and its WAIT pipelined on one of
 * them, both asynchronous. A WAIT also covers every earlier write of its connection, so requests
 * that share a connection are never answered before their own writes are on the replicas.
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
  private final AtomicReferenceArray<CompletableFuture<StatefulRedisConnection<String, String>>> connections;
  private final AtomicInteger next = new AtomicInteger();

  ReplicaWait(LettuceConnectionFactory factory, RedisScript<List<String>> reserve, ReplicaWaitSettings settings,
      DurabilitySettings durability) {
    this.factory = factory;
    this.reserve = reserve;
    this.settings = settings;
    this.required = durability.minReplicas();
    this.connections = new AtomicReferenceArray<>(settings.connections());
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
    return Mono.fromCompletionStage(() -> connection()).flatMap(connection -> {
      var commands = connection.async();
      // Sent back to back: nothing of ours comes between the script and the WAIT behind it.
      CompletableFuture<List<Object>> script = commands.<List<Object>>evalsha(reserve.getSha1(), ScriptOutputType.MULTI,
          keyArray, argArray).toCompletableFuture();
      CompletableFuture<Long> wait = commands.waitForReplication(required, settings.timeout().toMillis())
          .toCompletableFuture();
      return Mono.fromCompletionStage(script)
          .onErrorResume(RedisNoScriptException.class, noScript -> Mono.fromCompletionStage(
              commands.<List<Object>>eval(reserve.getScriptAsString(), ScriptOutputType.MULTI, keyArray, argArray)))
          .flatMap(reply -> Mono.fromCompletionStage(script.isCompletedExceptionally()
                  ? commands.waitForReplication(required, settings.timeout().toMillis()) : wait)
              .map(replicas -> new Acknowledged(reply.stream().map(String::valueOf).toList(), replicas)));
    });
  }

  /** The next dedicated connection, opened (asynchronously) on first use and again after a failure. */
  private CompletableFuture<StatefulRedisConnection<String, String>> connection() {
    int slot = Math.floorMod(next.getAndIncrement(), connections.length());
    CompletableFuture<StatefulRedisConnection<String, String>> current = connections.get(slot);
    if (current != null && !current.isCompletedExceptionally() && (!current.isDone() || current.getNow(null).isOpen())) {
      return current;
    }
    CompletableFuture<StatefulRedisConnection<String, String>> opened = connect();
    return connections.compareAndSet(slot, current, opened) ? opened : connections.get(slot);
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
    for (int i = 0; i < connections.length(); i++) {
      CompletableFuture<StatefulRedisConnection<String, String>> c = connections.get(i);
      if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
        c.getNow(null).closeAsync();
      }
    }
  }
}
