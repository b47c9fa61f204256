package dev.flashgroup.engine.durability;

import dev.flashgroup.engine.durability.ReplicaWait.Acknowledged;
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
 * soon as it comes, and one {@code WAIT} covers all the scripts answered on the connection since
 * the last one (WAIT waits for every earlier write of its connection). At most one WAIT is out at a
 * time; the scripts sent while it blocks the connection run when it returns, and the next WAIT
 * goes out once all of them have answered. So a batch is whatever arrived during one replica round
 * trip: one reservation when the line is idle, dozens under a spike, and no timer anywhere. Every
 * member of a batch gets its own script reply and the batch's WAIT count: when that falls short,
 * each of them answers 503.
 *
 * <p>A script joins a batch only once its reply is in. Only then is it certain to be on the wire
 * before the WAIT: Netty writes a command sent from the channel's own event loop at once, and one
 * sent from another thread later, so two commands sent in one order from two threads can reach
 * Redis in the other.
 */
final class ReplicaLane {

  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> commands;
  private final int required;
  private final long timeoutMillis;
  /** Members whose script has answered and that no WAIT sent after that answer covers yet. */
  private final List<CompletableFuture<Long>> uncovered = new ArrayList<>();
  private long sent;
  private long answered;
  /** The next WAIT waits until this many scripts have answered: those queued behind the last WAIT. */
  private long answeredBeforeNextWait;
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
      script = call.send();
      sent++;
    }
    script.whenComplete((reply, error) -> {
      synchronized (this) {
        answered++;
        if (error == null) {
          uncovered.add(covered);
        }
        waitIfDue();
      }
    });
    // Not thenCombine: that waits for both, and a failed script's member never joins a batch.
    return script.thenCompose(reply -> covered.thenApply(
        replicas -> new Acknowledged(reply.stream().map(String::valueOf).toList(), replicas)));
  }

  /** Sends a WAIT when none is out, someone needs one and the scripts queued behind the last have answered. */
  private void waitIfDue() {
    if (!waitOut && !uncovered.isEmpty() && answered >= answeredBeforeNextWait) {
      sendWait();
    }
  }

  /** One WAIT for every script answered since the last. Holds the lock. */
  private void sendWait() {
    List<CompletableFuture<Long>> batch = List.copyOf(uncovered);
    uncovered.clear();
    waitOut = true;
    commands.waitForReplication(required, timeoutMillis).whenComplete((replicas, error) -> {
      synchronized (this) {
        waitOut = false;
        // The scripts sent so far ran in Redis behind this WAIT (or will): the next WAIT covers
        // them all, so it waits for their answers instead of going out after the first.
        answeredBeforeNextWait = sent;
        waitIfDue();
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
