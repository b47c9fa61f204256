package dev.flashgroup.engine.schedule;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one round of background work, waits, and runs the next; a failed round is logged and the
 * next one starts on time, so a service that is down never stops the loop. Rounds never overlap.
 *
 * <p>The wait after a round is {@link #pause()} unless the job says otherwise from what the round
 * found ({@link #pauseAfter}): a job that knows when its next work is due sleeps until then instead
 * of polling. {@link #wake()} cuts a longer wait short to {@link #pause()} (also when called during a
 * round: the next wait is then at most {@code pause()}), for work that may have become due earlier
 * than the job knew; {@code pause()} stays the least time between rounds, so a stream of wake-ups
 * never turns the loop into a busy one. After a failed round the wait is always {@link #pause()}.
 *
 * <p>A loop that runs every few milliseconds against a service that is down would write thousands
 * of identical warnings a minute. The first failure is logged, then one summary per
 * {@link #FAILURE_LOG_INTERVAL} while the failures go on, and the recovery once a round succeeds.
 */
public abstract class RepeatingJob implements SmartLifecycle {

  static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);

  private final Logger log = LoggerFactory.getLogger(getClass());
  private final AtomicBoolean wakeRequested = new AtomicBoolean();
  private final AtomicReference<MonoSink<Duration>> waiting = new AtomicReference<>();
  private volatile Disposable running;
  // Only touched by the loop itself, whose rounds never overlap.
  private long failingSinceNanos;
  private long lastLoggedNanos;
  private long failedRounds;

  /** One round of work. */
  protected abstract Mono<?> round();

  protected abstract Duration pause();

  /**
   * The wait after a round that succeeded with {@code result} ({@code null} when it completed
   * empty); {@link #pause()} unless overridden.
   */
  protected Duration pauseAfter(Object result) {
    return pause();
  }

  protected boolean enabled() {
    return true;
  }

  /** The next round starts within {@link #pause()}: the current wait is cut short, or the next one. */
  protected final void wake() {
    wakeRequested.set(true);
    MonoSink<Duration> sink = waiting.getAndSet(null);
    if (sink != null) {
      sink.success(Duration.ZERO);
    }
  }

  @Override
  public void start() {
    if (!enabled()) {
      return;
    }
    // The recovery is noted on the round's own completion signal, before anything else can run.
    running = Mono.defer(this::round)
        .doOnSuccess(done -> recovered())
        .map(this::pauseAfter)
        .switchIfEmpty(Mono.fromSupplier(() -> pauseAfter(null)))
        .onErrorResume(e -> {
          failed(e);
          return Mono.just(pause());
        })
        .flatMap(this::waitFor)
        .repeat()
        .subscribe();
  }

  private Mono<Duration> waitFor(Duration wait) {
    if (wait.isZero() || wait.isNegative()) {
      wakeRequested.set(false);
      return Mono.just(Duration.ZERO);
    }
    Duration shortest = wait.compareTo(pause()) < 0 ? wait : pause();
    if (wakeRequested.getAndSet(false) || wait.equals(shortest)) {
      return Mono.delay(shortest, Schedulers.parallel()).thenReturn(shortest);
    }
    Mono<Duration> woken = Mono.create(sink -> {
      waiting.set(sink);
      // A wake() between the check above and the sink's registration must not be lost.
      if (wakeRequested.getAndSet(false) && waiting.compareAndSet(sink, null)) {
        sink.success(Duration.ZERO);
      }
      sink.onDispose(() -> waiting.compareAndSet(sink, null));
    });
    return Mono.firstWithSignal(Mono.delay(wait, Schedulers.parallel()).thenReturn(wait),
            woken.then(Mono.delay(shortest, Schedulers.parallel())).thenReturn(shortest))
        .doOnNext(ended -> wakeRequested.set(false));
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
