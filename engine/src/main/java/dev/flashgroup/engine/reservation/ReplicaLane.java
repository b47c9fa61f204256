package dev.flashgroup.engine.reservation;

import dev.flashgroup.engine.reservation.ReplicaWait.Acknowledged;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One dedicated connection of {@link ReplicaWait} and its group commit: every script goes out as
 * soon as it comes, and one {@code WAIT} covers all the scripts sent on the connection since the
 * last one (WAIT waits for every earlier write of its connection). At most one WAIT is out at a
 * time; the scripts sent while it blocks the connection are covered by the next, sent the moment
 * it returns. So a batch is whatever arrived during one replica round trip: one reservation when
 * the line is idle, dozens under a spike, and no timer anywhere. Every member of a batch gets its
 * own script reply and the batch's WAIT count: when that falls short, each of them answers 503.
 */
final class ReplicaLane {

  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> commands;
  private final int required;
  private final long timeoutMillis;
  /** Members whose script is sent and not yet covered by a WAIT that was sent after it. */
  private final List<CompletableFuture<Long>> uncovered = new ArrayList<>();
  private boolean waitOut;

  ReplicaLane(StatefulRedisConnection<String, String> connection, int required, long timeoutMillis) {
    this.connection = connection;
    this.commands = connection.async();
    this.required = required;
    this.timeoutMillis = timeoutMillis;
  }

  boolean isOpen() {
    return connection.isOpen();
  }

  void close() {
    connection.closeAsync();
  }

  /** EVALSHA (EVAL after a NOSCRIPT), answered once a WAIT sent after it returns. */
  CompletableFuture<Acknowledged> reserve(String sha, String source, String[] keys, String[] args) {
    return send(() -> commands.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args).toCompletableFuture())
        .exceptionallyCompose(error -> unwrap(error) instanceof RedisNoScriptException
            ? send(() -> commands.<List<Object>>eval(source, ScriptOutputType.MULTI, keys, args).toCompletableFuture())
            : CompletableFuture.failedFuture(unwrap(error)));
  }

  private CompletableFuture<Acknowledged> send(ScriptCall call) {
    CompletableFuture<Long> covered = new CompletableFuture<>();
    CompletableFuture<List<Object>> script;
    synchronized (this) {
      // Sent before it joins the batch: the WAIT that covers it always goes out after it.
      script = call.send();
      uncovered.add(covered);
      if (!waitOut) {
        sendWait();
      }
    }
    return script.thenCombine(covered,
        (reply, replicas) -> new Acknowledged(reply.stream().map(String::valueOf).toList(), replicas));
  }

  /** One WAIT for every script sent since the last; the next goes out when it returns. Holds the lock. */
  private void sendWait() {
    List<CompletableFuture<Long>> batch = List.copyOf(uncovered);
    uncovered.clear();
    waitOut = true;
    commands.waitForReplication(required, timeoutMillis).whenComplete((replicas, error) -> {
      synchronized (this) {
        waitOut = false;
        if (!uncovered.isEmpty()) {
          sendWait();
        }
      }
      for (CompletableFuture<Long> member : batch) {
        if (error == null) {
          member.complete(replicas);
        } else {
          member.completeExceptionally(error);
        }
      }
    });
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  /** Dispatches one script call on the connection. */
  @FunctionalInterface
  private interface ScriptCall {
    CompletableFuture<List<Object>> send();
  }
}
