package dev.flashgroup.engine.timer;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.WarmActivities.WarmStream;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Expires unpaid reservations and settles groups at their deadline, for every warm activity. It
 * sleeps until the earliest payment or group deadline it knows of ({@link DueSweeper}); a
 * reservation or a cancellation on this instance wakes it ({@link DeadlineNotices}). A group that
 * succeeds makes its orders collectable, with pickup windows and reminders: the pickup sweeper
 * hears of them ({@link PickupNotices}).
 */
@Component
class DeadlineSweeper extends DueSweeper {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<Long> expireReservations;
  private final RedisScript<Long> settleGroups;
  private final TimerSettings settings;
  private final PickupNotices pickups;
  private final Clock clock;
  private final AtomicLong backlog = new AtomicLong();

  DeadlineSweeper(ReactiveStringRedisTemplate redis, RedisKeys keys, WarmActivities warm, RedisScript<Long> expireReservations,
      RedisScript<Long> settleGroups, TimerSettings settings, DeadlineNotices notices, PickupNotices pickups, Clock clock,
      MeterRegistry meters) {
    super(redis, warm, notices, clock);
    this.redis = redis;
    this.keys = keys;
    this.expireReservations = expireReservations;
    this.settleGroups = settleGroups;
    this.settings = settings;
    this.pickups = pickups;
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
  protected Duration longestWait() {
    return settings.longestWait();
  }

  @Override
  protected Duration rescan() {
    return settings.rescan();
  }

  @Override
  protected List<String> timers(WarmStream activity) {
    var k = activity.keys();
    return List.of(k.paymentDeadlines(), k.groupDeadlines());
  }

  @Override
  protected Mono<?> sweepDue(WarmStream activity, long now) {
    return sweep(activity.activity(), activity.keys());
  }

  @Override
  protected void roundDone(long dueActivities) {
    backlog.set(dueActivities);
  }

  /** Runs both timers of one activity once, payment deadlines first. */
  Mono<Void> sweep(ActivityId activity) {
    return sweep(activity, keys.of(activity));
  }

  /** Both timers of one activity, or of one bucket of a sharded activity ({@code k}). */
  Mono<Void> sweep(ActivityId activity, RedisKeys.ActivityKeys k) {
    String now = Long.toString(clock.millis());
    String batch = Integer.toString(settings.batch());
    return redis.execute(expireReservations,
            List.of(k.activity(), k.quota(), k.paymentDeadlines(), k.openGroups(), k.events()),
            List.of(k.prefix(), now, batch, keys.restockChannel()))
        .then(redis.execute(settleGroups,
            List.of(k.activity(), k.quota(), k.paymentDeadlines(), k.groupDeadlines(), k.openGroups(), k.events(),
                k.pickupDeadlines(), k.pickupReminders()),
            List.of(k.prefix(), now, batch, keys.restockChannel())).next())
        // A succeeded group's orders are collectable now: new pickup windows and reminders.
        .doOnNext(settled -> {
          if (settled > 0) {
            pickups.mayHaveNewTimer(activity);
          }
        })
        .then();
  }
}
