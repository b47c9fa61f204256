package dev.flashgroup.engine.kernel;

import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.RedisClusterClient;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Reloads the cluster client's topology at once when a reservation's Redis call failed on a
 * cluster (a primary died or was failed over). The client's own triggers miss much of a failover:
 * the replica-wait lanes are plain connections straight to a node, whose redirects and errors the
 * client never sees; and a dead primary's reconnects start an adaptive refresh before its replica
 * is promoted, the next coming only after the adaptive refresh gap or the periodic refresh. Every
 * buyer of the failed node errs at about the same moment, so at most one reload is out, and a new
 * one starts no sooner than {@link #GAP_NANOS} after the previous one started. On one Redis it
 * does nothing.
 */
@Component
public class TopologyRefresh {

  private static final Logger log = LoggerFactory.getLogger(TopologyRefresh.class);
  static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final LettuceConnectionFactory factory;
  private final AtomicReference<CompletableFuture<Void>> running = new AtomicReference<>();
  private volatile long lastStart = System.nanoTime() - GAP_NANOS;

  public TopologyRefresh(LettuceConnectionFactory factory) {
    this.factory = factory;
  }

  /** After a Redis call failed with {@code error}: on a cluster, a reload (unless one is out or just started). */
  public void afterFailure(Throwable error) {
    if ((error instanceof RedisException || error instanceof DataAccessException || error instanceof IOException)
        && factory.getRequiredNativeClient() instanceof RedisClusterClient cluster) {
      refresh(cluster);
    }
  }

  private void refresh(RedisClusterClient cluster) {
    CompletableFuture<Void> current = running.get();
    if (current != null && !current.isDone()) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastStart < GAP_NANOS) {
      return;
    }
    CompletableFuture<Void> started = new CompletableFuture<>();
    if (!running.compareAndSet(current, started)) {
      return;
    }
    lastStart = now;
    cluster.refreshPartitionsAsync().whenComplete((done, error) -> {
      if (error != null) {
        log.warn("reloading the cluster topology after a failed Redis call did not work: {}", error.toString());
      }
      started.complete(null);
    });
  }
}
