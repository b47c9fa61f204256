package dev.flashgroup.engine.kernel;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Stops Spring Data's Lettuce connection factory itself, just before Spring would, and waits for
 * it with a bound. The factory's stop closes its pooled and shared connections and shuts the client
 * down, waiting without a bound for each connection to close: a cluster connection whose opening was
 * given up half-way (the relay's, at a start that met a busy cluster) never did, and an application
 * (or a test context) then never finished stopping. Seen in the cluster suite, twice, by StallWatch:
 * the main thread parked for good in {@code AbstractRedisClient.shutdown}, then (with only the
 * client's shutdown bounded) in the pool's {@code RedisChannelHandler.close}. Here the stop runs on a
 * daemon thread; if it is not done within the configured shutdown timeout plus {@link #GRACE}, the
 * rest of the shutdown goes on without it (the factory's own stop call then returns at once: it is
 * already stopping).
 *
 * <p>Phase 1 stops after everything that may still use Redis (the web server's graceful shutdown,
 * the workers, the relay: all in higher phases) and before the factory (phase 0).
 */
@Component
class RedisClientShutdown implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RedisClientShutdown.class);
  /** Beyond the configured shutdown timeout, how long closing the connections may take. */
  static final Duration GRACE = Duration.ofSeconds(10);

  private final LettuceConnectionFactory factory;
  private volatile boolean running;

  RedisClientShutdown(LettuceConnectionFactory factory) {
    this.factory = factory;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    Duration bound = factory.getClientConfiguration().getShutdownTimeout().plus(GRACE);
    Thread stopping = new Thread(factory::stop, "redis-shutdown");
    stopping.setDaemon(true);
    stopping.start();
    try {
      stopping.join(bound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopping.isAlive()) {
      log.warn("Redis connections had not closed after {}; stopping without waiting longer", bound);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return 1;
  }
}
