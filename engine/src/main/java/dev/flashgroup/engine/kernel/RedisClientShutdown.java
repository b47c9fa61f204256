package dev.flashgroup.engine.kernel;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Shuts the Lettuce client down just before Spring Data's connection factory does, with a bound.
 * The factory waits for the client's shutdown without one, and that shutdown first waits for every
 * connection the client ever opened to close: a cluster connection whose opening was given up
 * half-way (the relay's, at a start that met a busy cluster) never did, and an application (or a
 * test context) then never finished stopping (seen in the cluster suite: the main thread parked in
 * {@code AbstractRedisClient.shutdown} for good). Once this one has begun the shutdown, the
 * factory's own call returns at once.
 *
 * <p>Phase 1 stops after everything that may still use Redis (the web server's graceful shutdown,
 * the workers, the relay: all in higher phases) and before the factory (phase 0).
 */
@Component
class RedisClientShutdown implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RedisClientShutdown.class);
  /** Beyond the configured shutdown timeout, how long the connections may take to close. */
  static final Duration GRACE = Duration.ofSeconds(5);

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
    LettuceClientConfiguration config = factory.getClientConfiguration();
    Duration quiet = config.getShutdownQuietPeriod();
    Duration timeout = config.getShutdownTimeout();
    Duration bound = timeout.plus(GRACE);
    var client = factory.getNativeClient();
    if (client == null) {
      return;
    }
    try {
      client.shutdownAsync(quiet.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)
          .get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("the Redis client had not closed its connections after {}; stopping without waiting longer", bound);
    } catch (ExecutionException e) {
      log.warn("the Redis client's shutdown failed: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
