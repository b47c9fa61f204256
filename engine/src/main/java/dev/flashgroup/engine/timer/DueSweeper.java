package dev.flashgroup.engine.timer;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.keys.WarmActivities.WarmStream;
import dev.flashgroup.engine.schedule.RepeatingJob;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A sweeper of Redis timers (sorted sets scored by their due time, epoch ms) that sleeps until the
 * earliest due time it knows of (at most {@link #longestWait()}) instead of sweeping every warm
 * activity on a timer: it remembers each warm activity's earliest due time and sweeps only the
 * activities that are due. An activity is read again (the first entry of each of its timer sets) when
 * it is new to the sweeper, after a sweep, when this instance noticed a new timer for it
 * ({@link DueNotices}), and for all of them every {@link #rescan()}. At rest that is one SMEMBERS
 * per {@code longestWait}, however many activities are warm. The sweep scripts take due entries
 * atomically, so several instances may sweep the same activity.
 */
public abstract class DueSweeper extends RepeatingJob {

  /** Known to have no timer at all. */
  protected static final long NONE = Long.MAX_VALUE;

  private final ReactiveStringRedisTemplate redis;
  private final WarmActivities warm;
  private final DueNotices.Inbox noticed;
  private final Clock clock;
  /** Each warm activity's earliest due time (epoch ms) as last read; touched by the loop only. */
  private final Map<WarmStream, Long> earliest = new ConcurrentHashMap<>();
  private long nextRescan;
  private final AtomicLong rounds = new AtomicLong();

  protected DueSweeper(ReactiveStringRedisTemplate redis, WarmActivities warm, DueNotices notices, Clock clock) {
    this.redis = redis;
    this.warm = warm;
    this.clock = clock;
    this.noticed = notices.subscribe(this::wake);
  }

  /** Most the sweeper sleeps when it knows of no earlier due time. */
  protected abstract Duration longestWait();

  /** How often every warm activity's earliest due time is read again. */
  protected abstract Duration rescan();

  /**
   * The timer sets of an activity (or of one bucket of a sharded activity: each bucket has timers
   * of its own), whose first entries say when it is next due.
   */
  protected abstract List<String> timers(WarmStream activity);

  /** Takes what is due at {@code now} in one activity (or bucket). */
  protected abstract Mono<?> sweepDue(WarmStream activity, long now);

  /** After each round: how many activities were due in it. */
  protected void roundDone(long dueActivities) {}

  /** Rounds completed since the start (a round that failed is not counted). */
  public final long rounds() {
    return rounds.get();
  }

  /** Until the earliest known due time, at least {@code pause()}, at most {@code longestWait}. */
  @Override
  protected Duration pauseAfter(Object result) {
    long next = earliest.values().stream().mapToLong(Long::longValue).min().orElse(NONE);
    long longest = longestWait().toMillis();
    long wait = next == NONE ? longest : next - clock.millis();
    return Duration.ofMillis(Math.max(pause().toMillis(), Math.min(wait, longest)));
  }

  @Override
  protected Mono<?> round() {
    long now = clock.millis();
    boolean rescan = now >= nextRescan;
    if (rescan) {
      nextRescan = now + rescan().toMillis();
    }
    Set<ActivityId> told = new HashSet<>(noticed.take());
    Set<WarmStream> present = ConcurrentHashMap.newKeySet();
    AtomicLong due = new AtomicLong();
    return warm.visitStreams("sweeping " + getClass().getSimpleName() + " of", activity -> {
          present.add(activity);
          Long known = earliest.get(activity);
          if (known != null && known <= now) {
            return sweepAndRead(activity, now);
          }
          if (known == null || rescan || told.contains(activity.activity())) {
            return read(activity).flatMap(first -> first <= now ? sweepAndRead(activity, now) : Mono.just(first));
          }
          return Mono.just(known);
        })
        .doOnNext(first -> {
          if (first <= now) {
            due.incrementAndGet();
          }
        })
        .then(Mono.fromRunnable(() -> {
          earliest.keySet().retainAll(present);
          roundDone(due.get());
          rounds.incrementAndGet();
        }));
  }

  private Mono<Long> sweepAndRead(WarmStream activity, long now) {
    return sweepDue(activity, now).then(read(activity));
  }

  /** The earliest due time over the activity's timer sets; {@link #NONE} when there is none. */
  private Mono<Long> read(WarmStream activity) {
    return Flux.fromIterable(timers(activity))
        .concatMap(this::first)
        .reduce(NONE, Math::min)
        .doOnNext(first -> earliest.put(activity, first));
  }

  private Mono<Long> first(String timers) {
    return redis.opsForZSet().rangeWithScores(timers, Range.closed(0L, 0L))
        .next()
        .map(entry -> entry.getScore() == null ? NONE : (long) Math.floor(entry.getScore()))
        .defaultIfEmpty(NONE);
  }
}
