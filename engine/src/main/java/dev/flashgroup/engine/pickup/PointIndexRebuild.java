package dev.flashgroup.engine.pickup;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/**
 * Rebuilds the GEO set from MySQL when the instance starts, so a point written to MySQL whose
 * Redis write was lost (or a Redis that lost its data) is searchable again after the next start.
 * Retried a few times: Redis may come up after the application.
 */
@Component
class PointIndexRebuild implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PointIndexRebuild.class);

  private final PickupPoints points;
  private volatile Disposable running;

  PointIndexRebuild(PickupPoints points) {
    this.points = points;
  }

  @Override
  public void start() {
    running = points.rebuildIndex()
        .retryWhen(reactor.util.retry.Retry.backoff(5, Duration.ofSeconds(1)))
        .subscribe(done -> { }, e -> log.warn("Could not rebuild the pickup points' search set: {}", e.toString()),
            () -> log.debug("Pickup points' search set rebuilt from MySQL"));
  }

  @Override
  public void stop() {
    Disposable d = running;
    if (d != null) {
      d.dispose();
    }
  }

  @Override
  public boolean isRunning() {
    Disposable d = running;
    return d != null && !d.isDisposed();
  }
}
