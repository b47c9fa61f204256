package dev.flashgroup.engine.durability;

import io.lettuce.core.cluster.RedisClusterClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the cluster client's topology at once when a replica-wait lane meets a failover (MOVED,
 * a node that is down or refuses): the client's own adaptive refresh never sees the lanes' errors
 * (they are plain connections straight to a node), and the periodic one may be seconds away. Every
 * lane of the failing node errs at about the same moment, so at most one reload is out, and a new
 * one starts no sooner than {@link #GAP_NANOS} after the previous one started.
 */
final class TopologyRefresh {

  private static final Logger log = LoggerFactory.getLogger(TopologyRefresh.class);
  static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final AtomicReference<CompletableFuture<Void>> running = new AtomicReference<>();
  private volatile long lastStart = System.nanoTime() - GAP_NANOS;

  /** Starts a reload unless one is out or one started within the gap; answers when the current one ends. */
  CompletableFuture<Void> refresh(RedisClusterClient cluster) {
    CompletableFuture<Void> current = running.get();
    if (current != null && !current.isDone()) {
      return current;
    }
    long now = System.nanoTime();
    if (now - lastStart < GAP_NANOS) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> started = new CompletableFuture<>();
    if (!running.compareAndSet(current, started)) {
      return running.get();
    }
    lastStart = now;
    cluster.refreshPartitionsAsync().whenComplete((done, error) -> {
      if (error != null) {
        log.warn("reloading the cluster topology after a replica-wait lane failed did not work: {}", error.toString());
      }
      started.complete(null);
    });
    return started;
  }
}
