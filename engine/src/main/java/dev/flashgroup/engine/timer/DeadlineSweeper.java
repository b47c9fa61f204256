package dev.flashgroup.engine.timer;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.schedule.RepeatingJob;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Expires unpaid reservations and settles groups at their deadline, for every warm activity. The
 * scripts take due entries atomically, so several instances may sweep the same activity.
 */
@Component
class DeadlineSweeper extends RepeatingJob {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final WarmActivities warm;
  private final RedisScript<Long> expireReservations;
  private final RedisScript<Long> settleGroups;
  private final TimerSettings settings;
  private final Clock clock;
  private final AtomicLong backlog = new AtomicLong();

  DeadlineSweeper(ReactiveStringRedisTemplate redis, RedisKeys keys, WarmActivities warm, RedisScript<Long> expireReservations,
      RedisScript<Long> settleGroups, TimerSettings settings, Clock clock, MeterRegistry meters) {
    this.redis = redis;
    this.keys = keys;
    this.warm = warm;
    this.expireReservations = expireReservations;
    this.settleGroups = settleGroups;
    this.settings = settings;
    this.clock = clock;
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

  @Override
  protected Mono<?> round() {
    AtomicLong due = new AtomicLong();
    return warm.visit("sweeping", activity -> sweep(activity).then(dueLater(activity)))
        .doOnNext(due::addAndGet)
        .then(Mono.fromRunnable(() -> backlog.set(due.get())));
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

  /** Deadlines already due but not taken yet (more than one batch's worth). */
  private Mono<Long> dueLater(ActivityId activity) {
    var k = keys.of(activity);
    Range<Double> due = Range.closed(Double.NEGATIVE_INFINITY, (double) clock.millis());
    return redis.opsForZSet().count(k.paymentDeadlines(), due)
        .zipWith(redis.opsForZSet().count(k.groupDeadlines(), due), Long::sum);
  }
}
