package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Shards;
import dev.flashgroup.engine.keys.StreamSettings;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.recovery.LostActivities;
import dev.flashgroup.engine.recovery.RebuildSettings;
import dev.flashgroup.engine.timer.DeadlineNotices;
import dev.flashgroup.engine.timer.PickupNotices;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rebuilds the activities Redis lost from MySQL (invariant 6), with rebuild_activity.lua: BEGIN
 * takes the activity's rebuild lease (one instance rebuilds, the others find it BUSY and leave it),
 * the {@link #parts} write the orders, groups and pickup timers in batches, FINISH writes the
 * activity hash with the terms warming writes ({@link PickupWindows}, the points closed since) and
 * the stock MySQL's orders do not hold, and the activity is live again. An order acknowledged but
 * never in MySQL is gone: its unit sells again, and its id is never handed out again (the sequence
 * starts {@link RebuildSettings#sequenceGap()} past the highest one MySQL knows). A sharded
 * activity's lost buckets are rebuilt by {@link BucketRebuild} with the same steps.
 */
@Component
class ActivityRebuild {

  private static final Logger log = LoggerFactory.getLogger(ActivityRebuild.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Orders or groups per script call: each call is one short atomic step. */
  static final int BATCH = 200;

  /** One step of the rebuild after BEGIN: the script step's name and the entries (JSON objects) it writes. */
  private record Part(String step, Function<Activity, Flux<?>> entries) {}

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<String>> rebuildActivity;
  private final Activities activities;
  private final RebuildSource source;
  private final LostActivities lost;
  private final Shards shards;
  private final WarmActivities warm;
  private final StreamSettings streams;
  private final RebuildSettings settings;
  private final ClosedPoints closedPoints;
  private final PickupWindows windows;
  private final DeadlineNotices deadlines;
  private final PickupNotices pickups;
  private final Clock clock;
  /**
   * Everything rebuilt before FINISH, in order: a group's members name orders, so orders come
   * first, and the pickup timers read the order hashes. Another keyed piece of an activity's live
   * state is added here, with its step in rebuild_activity.lua.
   */
  private final List<Part> parts;
  /** A sharded activity's lost buckets (package-private for its tests). */
  final BucketRebuild buckets;

  ActivityRebuild(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<List<String>> rebuildActivity,
      RedisScript<List<String>> freezeTransfers, Shards shards,
      Activities activities, RebuildSource source, LostActivities lost, WarmActivities warm, StreamSettings streams,
      RebuildSettings settings, ClosedPoints closedPoints, PickupWindows windows, DeadlineNotices deadlines,
      PickupNotices pickups, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.rebuildActivity = rebuildActivity;
    this.activities = activities;
    this.source = source;
    this.lost = lost;
    this.shards = shards;
    this.warm = warm;
    this.streams = streams;
    this.settings = settings;
    this.closedPoints = closedPoints;
    this.windows = windows;
    this.deadlines = deadlines;
    this.pickups = pickups;
    this.clock = clock;
    this.buckets = new BucketRebuild(this, redis, keys, activities, source, warm, settings, closedPoints, windows,
        deadlines, pickups, new FrozenBuckets(redis, keys, freezeTransfers, settings.lease()), clock);
    this.parts = List.of(
        new Part("ORDERS", a -> source.orders(a.id())),
        new Part("GROUPS", a -> source.groups(a.id(), BATCH)),
        new Part("PICKUPS", source::collectable));
  }

  /** Rebuilds every activity that should be warm and is missing from Redis, one after another. */
  Mono<Void> rebuildLost() {
    return lost.lost().concatMap(activity -> shards.of(activity)
        .flatMap(sharding -> sharding.sharded() ? buckets.rebuild(sharding) : rebuild(activity)).onErrorResume(e -> {
      log.warn("Rebuilding activity {} from MySQL failed (tried again next round): {}", activity, e.toString());
      return Mono.empty();
    })).then();
  }

  /** Rebuilds one activity; {@code BUSY} (another instance rebuilds it) and {@code ALREADY_WARM} do nothing. */
  Mono<String> rebuild(ActivityId activity) {
    String owner = owner();
    return step(keys.of(activity), "BEGIN", owner, List.of()).flatMap(begun -> {
      if (!"BEGUN".equals(begun)) {
        return Mono.just(begun);
      }
      log.warn("Activity {} should be warm and Redis does not hold it: rebuilding it from MySQL", activity);
      return activities.find(activity).flatMap(a -> write(a, keys.of(activity), owner, entry -> true)
          .switchIfEmpty(Mono.defer(() -> finish(a, owner))));
    });
  }

  /**
   * Writes the orders, groups and pickup timers {@code mine} accepts (by their entry) into {@code k};
   * empty once all are written, else the step's refusal ({@code LOST}).
   */
  Mono<String> write(Activity a, RedisKeys.ActivityKeys k, String owner, Predicate<Object> mine) {
    return Flux.fromIterable(parts)
        .concatMap(part -> part.entries().apply(a).filter(mine).buffer(BATCH)
            .concatMap(batch -> step(k, part.step(), owner, batch.stream().map(JSON::writeValueAsString).toList()))
            .filter(outcome -> !"WRITTEN".equals(outcome))
            .next())
        .next();
  }

  /** A new owner token for a rebuild's lease. */
  static String owner() {
    // Not UUID.randomUUID(): SecureRandom may read /dev/urandom, a blocking call on the event loop.
    return Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
  }

  private Mono<String> finish(Activity a, String owner) {
    ActivityId activity = a.id();
    return Mono.zip(source.highestSequence(activity), windows.terms(a), closedPoints.inactive(a).collectList())
        .flatMap(found -> {
          long seq = found.getT1() + settings.sequenceGap();
          List<String> args = finishArgs(a, seq, found.getT2(), found.getT3());
          // A point deactivated while the rebuild ran found the activity not warm: closed now.
          return step(keys.of(activity), "FINISH", owner, args).flatMap(outcome -> !"REBUILT".equals(outcome)
              ? Mono.just(outcome)
              : closedPoints.closeInactive(a).then(warm.add(activity))
                  // Its deadlines and pickup timers are back: the sweepers read them at their next round.
                  .then(Mono.fromRunnable(() -> {
                    deadlines.mayHaveNewDeadline(activity);
                    pickups.mayHaveNewTimer(activity);
                  }))
                  .then(Mono.fromRunnable(() -> log.warn("Activity {} rebuilt from MySQL; its sequence resumes after {}",
                      activity, seq)))
                  .thenReturn(outcome));
        });
  }

  /**
   * FINISH's arguments: the terms warming writes (pickup windows, perishable), and the points
   * deactivated since in the same call, so no reservation finds such a point open in between.
   */
  List<String> finishArgs(Activity a, long seq, List<String> terms, List<Long> inactive) {
    List<String> args = new ArrayList<>(List.of(streams.consumerGroup(), Long.toString(seq)));
    args.addAll(terms);
    inactive.forEach(point -> args.addAll(List.of(RedisKeys.ActivityKeys.pointClosedField(point), "1")));
    if (a.cancelled()) {
      args.addAll(List.of("state", "CANCELLED", "cancelled_at", Long.toString(a.cancelledAt().toEpochMilli())));
    }
    return args;
  }

  Mono<String> step(RedisKeys.ActivityKeys k, String step, String owner, List<String> payload) {
    List<String> args = new ArrayList<>(List.of(k.prefix(), step, owner, Long.toString(settings.lease().toMillis()),
        Long.toString(clock.millis())));
    args.addAll(payload);
    return redis.execute(rebuildActivity,
            List.of(k.activity(), k.quota(), k.paymentDeadlines(), k.groupDeadlines(), k.openGroups(), k.events(),
                k.rebuild(), k.stagedPaymentDeadlines(), k.stagedGroupDeadlines(), k.stagedOpenGroups(),
                k.retirement(), k.pickupDeadlines(), k.pickupReminders(), k.stagedPickupDeadlines(),
                k.stagedPickupReminders()),
            args)
        .next()
        .map(reply -> reply.get(0));
  }
}
