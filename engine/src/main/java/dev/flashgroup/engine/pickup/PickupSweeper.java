package dev.flashgroup.engine.pickup;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.WarmActivities.WarmStream;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.timer.DueSweeper;
import dev.flashgroup.engine.timer.PickupNotices;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The pickup timers of every warm activity: reminders that are due (take_reminders.lua), then
 * windows that ended (roll_over_pickups.lua). Both scripts take due entries with ZREM, so several
 * instances may sweep at once and each reminder is appended once. Sending is the reminder worker's,
 * so a slow or failing notification channel never holds up the timers.
 *
 * <p>It sleeps until the earliest reminder or window end it knows of ({@link DueSweeper}); an order
 * that becomes collectable on this instance wakes it ({@link PickupNotices}).
 */
@Component
class PickupSweeper extends DueSweeper {

  /** What one activity's sweep did. */
  record Swept(long reminders, long rolledOver, long overdue) {}

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<Long>> takeReminders;
  private final RedisScript<List<Long>> rollOverPickups;
  private final PickupSettings settings;

  PickupSweeper(ReactiveStringRedisTemplate redis, RedisKeys keys, WarmActivities warm,
      RedisScript<List<Long>> takeReminders, RedisScript<List<Long>> rollOverPickups, PickupSettings settings,
      PickupNotices notices, Clock clock) {
    super(redis, warm, notices, clock);
    this.redis = redis;
    this.keys = keys;
    this.takeReminders = takeReminders;
    this.rollOverPickups = rollOverPickups;
    this.settings = settings;
  }

  @Override
  protected boolean enabled() {
    return settings.sweeperEnabled();
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
    return List.of(k.pickupReminders(), k.pickupDeadlines());
  }

  @Override
  protected Mono<?> sweepDue(WarmStream activity, long now) {
    return sweep(activity.keys(), now);
  }

  Mono<Swept> sweep(ActivityId activity, long now) {
    return sweep(keys.of(activity), now);
  }

  /**
   * One activity's (or bucket's) pickup timers at {@code now}: reminders first, so a window's last
   * reminder precedes its end.
   */
  Mono<Swept> sweep(RedisKeys.ActivityKeys k, long now) {
    String at = Long.toString(now);
    String batch = Integer.toString(settings.batch());
    return redis.execute(takeReminders, List.of(k.activity(), k.pickupReminders(), k.events()),
            List.of(k.prefix(), at, batch)).next()
        .flatMap(reminders -> redis.execute(rollOverPickups,
                List.of(k.activity(), k.pickupDeadlines(), k.pickupReminders(), k.events()),
                List.of(k.prefix(), at, batch, Integer.toString(settings.rollovers()))).next()
            .map(ended -> new Swept(reminders.get(0), ended.get(0), ended.get(1))));
  }
}
