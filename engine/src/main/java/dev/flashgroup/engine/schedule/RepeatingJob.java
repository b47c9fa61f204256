package dev.flashgroup.engine.schedule;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one round of background work, waits, and runs the next; a failed round is logged and the
 * next one starts on time, so a service that is down never stops the loop. Rounds never overlap.
 *
 * <p>A loop that runs every few milliseconds against a service that is down would write thousands
 * of identical warnings a minute. The first failure is logged, then one summary per
 * {@link #FAILURE_LOG_INTERVAL} while the failures go on, and the recovery once a round succeeds.
 */
public abstract class RepeatingJob implements SmartLifecycle {

  static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);

  private final Logger log = LoggerFactory.getLogger(getClass());
  private volatile Disposable running;
  // Only touched by the loop itself, whose rounds never overlap.
  private long failingSinceNanos;
  private long lastLoggedNanos;
  private long failedRounds;

  /** One round of work. */
  protected abstract Mono<?> round();

  protected abstract Duration pause();

  protected boolean enabled() {
    return true;
  }

  @Override
  public void start() {
    if (!enabled()) {
      return;
    }
    running = Mono.defer(this::round)
        .doOnSuccess(done -> recovered())
        .onErrorResume(e -> {
          failed(e);
          return Mono.empty();
        })
        .then(Mono.delay(pause(), Schedulers.parallel()))
        .repeat()
        .subscribe();
  }

  private void failed(Throwable e) {
    long now = System.nanoTime();
    failedRounds++;
    if (failedRounds == 1) {
      failingSinceNanos = now;
      lastLoggedNanos = now;
      log.warn("{} round failed: {}", getClass().getSimpleName(), e.toString());
    } else if (now - lastLoggedNanos >= FAILURE_LOG_INTERVAL.toNanos()) {
      lastLoggedNanos = now;
      log.warn("{} still failing: {} rounds in {} s, latest: {}", getClass().getSimpleName(), failedRounds,
          Duration.ofNanos(now - failingSinceNanos).toSeconds(), e.toString());
    }
  }

  private void recovered() {
    if (failedRounds > 0) {
      log.info("{} recovered after {} failed rounds in {} s", getClass().getSimpleName(), failedRounds,
          Duration.ofNanos(System.nanoTime() - failingSinceNanos).toSeconds());
      failedRounds = 0;
    }
  }

  @Override
  public void stop() {
    Disposable current = running;
    if (current != null) {
      current.dispose();
    }
    running = null;
  }

  @Override
  public boolean isRunning() {
    return running != null && !running.isDisposed();
  }
}
