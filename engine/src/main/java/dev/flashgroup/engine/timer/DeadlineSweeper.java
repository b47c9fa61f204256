package dev.flashgroup.engine.timer;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.schedule.RepeatingJob;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Expires unpaid reservations and settles groups at their deadline, for every warm activity. The
 * scripts take due entries atomically, so several instances may sweep the same activity.
 *
 * <p>It sleeps until the earliest deadline it knows of (at most {@code longestWait}) instead of
 * sweeping every activity on a timer: it remembers each warm activity's earliest deadline and
 * sweeps only the activities that are due. An activity is read again (its two sorted sets' first
 * entries) when it is new to the sweeper, after a sweep, when this instance noticed a new deadline
 * for it ({@link DeadlineNotices}), and for all of them every {@code rescan}. At rest that is one
 * SMEMBERS per {@code longestWait}, however many activities are warm.
 */
@Component
class DeadlineSweeper extends RepeatingJob {

  /** Known to have no deadline at all. */
  private static final long NONE = Long.MAX_VALUE;

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final WarmActivities warm;
  private final RedisScript<Long> expireReservations;
  private final RedisScript<Long> settleGroups;
  private final TimerSettings settings;
  private final DeadlineNotices notices;
  private final Clock clock;
  private final AtomicLong backlog = new AtomicLong();
  /** Each warm activity's earliest deadline (epoch ms) as last read; touched by the loop only. */
  private final Map<ActivityId, Long> earliest = new ConcurrentHashMap<>();
  private long nextRescan;

  DeadlineSweeper(ReactiveStringRedisTemplate redis, RedisKeys keys, WarmActivities warm, RedisScript<Long> expireReservations,
      RedisScript<Long> settleGroups, TimerSettings settings, DeadlineNotices notices, Clock clock, MeterRegistry meters) {
    this.redis = redis;
    this.keys = keys;
    this.warm = warm;
    this.expireReservations = expireReservations;
    this.settleGroups = settleGroups;
    this.settings = settings;
    this.notices = notices;
    this.clock = clock;
    notices.listen(this::wake);
    meters.gauge("flashgroup.timers.backlog", List.of(), backlog, AtomicLong::get);
  }

  @Override
  protected boolean enabled() {
    return settings.enabled();
  }

  @Override
  protected Duration pause() {
    return settings.interval();
  }

  /** Until the earliest known deadline, at least {@code interval}, at most {@code longestWait}. */
  @Override
  protected Duration pauseAfter(Object result) {
    long next = earliest.values().stream().mapToLong(Long::longValue).min().orElse(NONE);
    long wait = next == NONE ? settings.longestWait().toMillis() : next - clock.millis();
    return Duration.ofMillis(Math.max(settings.interval().toMillis(), Math.min(wait, settings.longestWait().toMillis())));
  }

  @Override
  protected Mono<?> round() {
    long now = clock.millis();
    boolean rescan = now >= nextRescan;
    if (rescan) {
      nextRescan = now + settings.rescan().toMillis();
    }
    Set<ActivityId> noticed = new HashSet<>(notices.take());
    Set<ActivityId> present = ConcurrentHashMap.newKeySet();
    AtomicLong due = new AtomicLong();
    return warm.visit("sweeping", activity -> {
          present.add(activity);
          Long known = earliest.get(activity);
          if (known != null && known <= now) {
            return sweepAndRead(activity);
          }
          if (known == null || rescan || noticed.contains(activity)) {
            return read(activity).flatMap(first -> first <= now ? sweepAndRead(activity) : Mono.just(first));
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
          backlog.set(due.get());
        }));
  }

  private Mono<Long> sweepAndRead(ActivityId activity) {
    return sweep(activity).then(read(activity)).doOnNext(first -> earliest.put(activity, first));
  }

  /** The earliest deadline of either kind; {@link #NONE} when there is none. */
  private Mono<Long> read(ActivityId activity) {
    var k = keys.of(activity);
    return first(k.paymentDeadlines()).zipWith(first(k.groupDeadlines()), Math::min)
        .doOnNext(first -> earliest.put(activity, first));
  }

  private Mono<Long> first(String deadlines) {
    return redis.opsForZSet().rangeWithScores(deadlines, Range.closed(0L, 0L))
        .next()
        .map(entry -> entry.getScore() == null ? NONE : (long) Math.floor(entry.getScore()))
        .defaultIfEmpty(NONE);
  }

  /** Runs both timers of one activity once, payment deadlines first. */
  Mono<Void> sweep(ActivityId activity) {
    var k = keys.of(activity);
    String now = Long.toString(clock.millis());
    String batch = Integer.toString(settings.batch());
    return redis.execute(expireReservations,
            List.of(k.activity(), k.quota(), k.paymentDeadlines(), k.openGroups(), k.events()),
            List.of(k.prefix(), now, batch, keys.restockChannel()))
        .thenMany(redis.execute(settleGroups,
            List.of(k.activity(), k.quota(), k.paymentDeadlines(), k.groupDeadlines(), k.openGroups(), k.events(),
                k.pickupDeadlines(), k.pickupReminders()),
            List.of(k.prefix(), now, batch, keys.restockChannel())))
        .then();
  }
}
