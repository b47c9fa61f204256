package dev.flashgroup.engine.recovery;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Sharding;
import dev.flashgroup.engine.shard.Shards;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The activities Redis should hold and does not (invariant 6). MySQL says which should be warm: an
 * activity warmed once ({@code warmed_at}) that has not ended, or that ended within
 * {@link RebuildSettings#lookBack()} with an order or group still unsettled ({@link #UNSETTLED}).
 * Such an activity without its Redis hash was lost (Redis restarted empty, or a failover to a
 * replica that missed its writes): it awaits a rebuild. An activity that is over, retired and
 * expired from Redis, has nothing unsettled in MySQL and is not lost.
 */
@Component
public class LostActivities {

  /**
   * What "unsettled" means in MySQL: orders still waiting for money, a timer or a refund, orders
   * still to be handed out at a pickup point (SUCCEEDED with a point: verify_pickup needs Redis),
   * and open groups. The one place the list lives; it matches retire_activity.lua's settled rule:
   * OVERDUE (left to a person after its last roll-over) and PICKED_UP are settled, so an ended
   * activity whose only open business is OVERDUE orders is not rebuilt, as it would be retired.
   */
  static final String UNSETTLED = "(EXISTS (SELECT 1 FROM orders o WHERE o.activity_id = a.id"
      + " AND (o.status IN ('RESERVED', 'PAID', 'REFUNDING')"
      + " OR (o.status = 'SUCCEEDED' AND o.pickup_point_id IS NOT NULL)))"
      + " OR EXISTS (SELECT 1 FROM purchase_groups g WHERE g.activity_id = a.id AND g.status = 'OPEN'))";

  private static final String SHOULD_BE_WARM = "SELECT a.id, a.shards FROM activities a WHERE a.warmed_at IS NOT NULL"
      + " AND a.ends_at > :lookBack AND (a.ends_at > :now OR " + UNSETTLED + ")";

  /** Activity hashes asked about in one EXISTS. */
  static final int EXISTS_BATCH = 500;

  private final DatabaseClient db;
  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Shards shards;
  private final RebuildSettings settings;
  private final Clock clock;

  LostActivities(DatabaseClient db, ReactiveStringRedisTemplate redis, RedisKeys keys, Shards shards,
      RebuildSettings settings,
      Clock clock) {
    this.db = db;
    this.redis = redis;
    this.keys = keys;
    this.shards = shards;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Every activity that should be warm and whose hash Redis does not hold (any bucket's, for a
   * sharded one). The warmer asks every round, so at rest this costs one MySQL query and one EXISTS
   * per {@link #EXISTS_BATCH} activities, whatever their buckets, not a round trip per warm
   * activity; only a batch with a hash missing is looked at activity by activity (one EXISTS each).
   * The batch names every bucket's hash (MySQL's {@code shards}): with the activity's own key
   * instead, which a sharded activity does not have, every batch holding one would be looked at
   * one by one every round.
   */
  public Flux<ActivityId> lost() {
    Instant now = clock.instant();
    return db.sql(SHOULD_BE_WARM + " ORDER BY a.id")
        .bind("lookBack", utc(now.minus(settings.lookBack())))
        .bind("now", utc(now))
        .map(row -> new Sharding(new ActivityId(row.get("id", Long.class)), row.get("shards", Integer.class)))
        .all()
        .buffer(EXISTS_BATCH)
        .concatMap(batch -> {
          List<String> hashes = batch.stream().flatMap(s -> hashes(s).stream()).toList();
          return redis.countExistingKeys(hashes).flatMapMany(present -> present == hashes.size() ? Flux.empty()
              : Flux.fromIterable(batch).filterWhen(this::absent).map(Sharding::activity));
        });
  }

  /**
   * Whether the activity is lost and due to be rebuilt: then its reservations wait (UNAVAILABLE)
   * and money for its orders is reported again later rather than refunded. Redis is asked first,
   * so a warm activity costs no MySQL query.
   */
  public Mono<Boolean> awaitsRebuild(ActivityId activity) {
    return absent(activity).flatMap(absent -> !absent ? Mono.just(false) : shouldBeWarm(activity));
  }

  private Mono<Boolean> shouldBeWarm(ActivityId activity) {
    Instant now = clock.instant();
    return db.sql(SHOULD_BE_WARM + " AND a.id = :id")
        .bind("lookBack", utc(now.minus(settings.lookBack())))
        .bind("now", utc(now))
        .bind("id", activity.value())
        .map(row -> true)
        .one()
        .defaultIfEmpty(false);
  }

  /** A sharded activity is absent when any of its buckets' hashes is. */
  private Mono<Boolean> absent(ActivityId activity) {
    return shards.of(activity).flatMap(this::absent);
  }

  private Mono<Boolean> absent(Sharding sharding) {
    List<String> hashes = hashes(sharding);
    return redis.countExistingKeys(hashes).map(present -> present < hashes.size());
  }

  private List<String> hashes(Sharding sharding) {
    return sharding.all(keys).stream().map(RedisKeys.ActivityKeys::activity).toList();
  }
}
