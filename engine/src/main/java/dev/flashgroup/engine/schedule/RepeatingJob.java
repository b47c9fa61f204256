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
 */
public abstract class RepeatingJob implements SmartLifecycle {

  private final Logger log = LoggerFactory.getLogger(getClass());
  private volatile Disposable running;

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
        .onErrorResume(e -> {
          log.warn("{} round failed: {}", getClass().getSimpleName(), e.toString());
          return Mono.empty();
        })
        .then(Mono.delay(pause(), Schedulers.parallel()))
        .repeat()
        .subscribe();
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
