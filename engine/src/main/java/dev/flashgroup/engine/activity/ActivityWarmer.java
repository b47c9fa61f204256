package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.schedule.RepeatingJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Warms activities into Redis ahead of their start, rebuilds from MySQL those Redis lost
 * ({@link ActivityRebuild}: one instance per activity, the others find it busy), then repairs the rows of warm activities that
 * missed a merchant's cancel or add-stock (see {@link ActivityRepair}) or a point's close (see
 * {@link ClosedPoints#closeAgain}), and retires the activities
 * that are over ({@link ActivityRetirement}). An ended activity is never warmed again. Safe with several
 * instances: warming is idempotent in Lua, so two instances warming the same activity leave one
 * copy of it, and a repair writes absolute values under the activity's row lock.
 */
@Component
class ActivityWarmer extends RepeatingJob {

  private final Activities activities;
  private final WarmUp warmUp;
  private final ActivityRebuild rebuild;
  private final ActivityRepair repair;
  private final ActivityRetirement retirement;
  private final ClosedPoints closedPoints;
  private final WarmActivities warm;
  private final ActivitySettings settings;
  private final Clock clock;
  private long nextUpkeep;

  ActivityWarmer(Activities activities, WarmUp warmUp, ActivityRebuild rebuild, ActivityRepair repair,
      ActivityRetirement retirement, ClosedPoints closedPoints, WarmActivities warm, ActivitySettings settings, Clock clock) {
    this.activities = activities;
    this.warmUp = warmUp;
    this.rebuild = rebuild;
    this.repair = repair;
    this.retirement = retirement;
    this.closedPoints = closedPoints;
    this.warm = warm;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Warming asks MySQL once per round, however many activities there are; repair and retirement
   * visit every warm activity (a Redis and a MySQL read each, and a script for one that is over or
   * cancelled), so they run every
   * {@code upkeepInterval} only: what they catch (a missed cancel or add-stock, an activity that
   * is over) may wait that long.
   */
  @Override
  protected Mono<?> round() {
    Instant now = clock.instant();
    boolean upkeep = now.toEpochMilli() >= nextUpkeep;
    if (upkeep) {
      nextUpkeep = now.toEpochMilli() + settings.upkeepInterval().toMillis();
    }
    // Every round: warm what opens soon, and rebuild what should be warm but Redis lost (its
    // buyers get 503 until then). Every upkeep interval: close again the deactivated points whose
    // close in Redis failed, then repair and retire.
    Mono<Void> warming = activities.dueForWarming(now, now.plus(settings.warmAhead())).concatMap(warmUp::warm).then()
        .then(rebuild.rebuildLost());
    // An activity retires only after a repair that went through: once retired, its views come
    // from MySQL, so a cancellation or stock MySQL missed must be copied there first.
    return upkeep
        ? warming.then(closedPoints.closeAgain())
            // One still on sale has nothing to retire: no script for it (at rest, most warm activities).
            .then(warm.visit("repairing and retiring", id -> repair.repair(id, now)
                .flatMap(onSale -> onSale ? Mono.empty() : retirement.retire(id))).then())
        : warming;
  }

  @Override
  protected Duration pause() {
    return settings.warmInterval();
  }
}
