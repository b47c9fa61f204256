package dev.flashgroup.engine.rehearsal;

import dev.flashgroup.engine.keys.KeySettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rehearses the opening so the JIT has compiled the hot path before buyers arrive: every
 * {@link RehearsalPart} runs in turn on one fresh {@link Scratch} namespace within a time budget,
 * and the namespace is deleted afterwards however the parts ended (done, failed, out of time or
 * cancelled). Nothing real is touched: the scratch activities are in no MySQL table and on no list
 * of warm activities, so no relay publishes their events and no sweeper or worker sees them; the
 * parts count into meter registries of their own. See docs/performance.md.
 */
@Component
public class OpeningRehearsal {

  private static final Logger log = LoggerFactory.getLogger(OpeningRehearsal.class);
  /** Keys deleted per UNLINK. */
  private static final int UNLINK_BATCH = 500;
  /** Grace after the budget for a part's calls in flight to come back. */
  private static final Duration GRACE = Duration.ofSeconds(5);

  /** What one rehearsal did. */
  public record Rehearsed(long calls, long keysDeleted, Duration took) {}

  private final ReactiveStringRedisTemplate redis;
  private final KeySettings keys;
  private final List<RehearsalPart> parts;
  private final Clock clock;
  private final Counter rehearsals;
  private final AtomicBoolean running = new AtomicBoolean();

  OpeningRehearsal(ReactiveStringRedisTemplate redis, KeySettings keys, List<RehearsalPart> parts, Clock clock,
      MeterRegistry meters) {
    this.rehearsals = Counter.builder("flashgroup.rehearsals").description("Opening rehearsals run (start-up and before openings)")
        .register(meters);
    this.redis = redis;
    this.keys = keys;
    this.parts = parts;
    this.clock = clock;
  }

  /**
   * One rehearsal of at most {@code budget} (plus a short grace for calls in flight), then its
   * clean-up; empty, doing nothing, while another rehearsal of this instance is running.
   */
  public Mono<Rehearsed> rehearse(String occasion, Duration budget) {
    return Mono.defer(() -> {
      if (!running.compareAndSet(false, true)) {
        return Mono.<Rehearsed>empty();
      }
      return Mono.fromSupplier(() -> Scratch.fresh(keys, clock.instant().plus(budget)))
          .flatMap(scratch -> rehearse(occasion, scratch, budget))
          .doFinally(signal -> running.set(false));
    });
  }

  private Mono<Rehearsed> rehearse(String occasion, Scratch scratch, Duration budget) {
    Instant started = clock.instant();
    // Each part has its share of the budget, so a slow one (a cold web path on a busy machine)
    // never leaves the next none. A part never fails (run), so the clean-up always follows; a
    // cancelled rehearsal cleans up too.
    Duration share = budget.dividedBy(Math.max(1, parts.size()));
    return Flux.range(0, parts.size())
        .concatMap(i -> run(parts.get(i), scratch.until(clock.instant().plus(share)), share))
        .reduce(0L, Long::sum)
        .flatMap(calls -> cleanUp(scratch)
            .map(deleted -> new Rehearsed(calls, deleted, Duration.between(started, clock.instant()))))
        .doOnCancel(() -> cleanUp(scratch).subscribe())
        .doOnNext(done -> rehearsals.increment())
        .doOnNext(done -> log.info("Rehearsed the opening ({}): {} calls in {} ms, {} scratch keys deleted",
            occasion, done.calls(), done.took().toMillis(), done.keysDeleted()));
  }

  private Mono<Long> run(RehearsalPart part, Scratch scratch, Duration budget) {
    return Mono.defer(() -> part.rehearse(scratch))
        .timeout(budget.plus(GRACE))
        .onErrorResume(e -> {
          log.warn("Rehearsal part {} stopped: {}", part.name(), e.toString());
          return Mono.just(0L);
        });
  }

  /** Deletes every key of the scratch namespace; how many it deleted. */
  private Mono<Long> cleanUp(Scratch scratch) {
    return keysOf(scratch).buffer(UNLINK_BATCH)
        .concatMap(batch -> redis.unlink(batch.toArray(String[]::new)))
        .reduce(0L, Long::sum)
        .onErrorResume(e -> {
          log.warn("Could not delete the rehearsal's scratch namespace {} (its keys are left): {}",
              scratch.namespace(), e.toString());
          return Mono.just(0L);
        });
  }

  private Flux<String> keysOf(Scratch scratch) {
    return redis.scan(ScanOptions.scanOptions().match(scratch.pattern()).count(1000).build());
  }
}
