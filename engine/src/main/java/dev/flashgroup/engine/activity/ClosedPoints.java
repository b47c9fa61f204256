package dev.flashgroup.engine.activity;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Shards;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.pickup.PointDeactivation;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A deactivated pickup point is closed (close_point.lua) in every warm activity that delivers to
 * it, so reserve.lua refuses it in the HMGET it already makes (PICKUP_POINT_CLOSED); its orders
 * still collect there. Both sides act after their own write, so no order of the two loses it:
 * deactivation closes after MySQL recorded it, and warming closes every point MySQL says is
 * inactive after the hash exists. Activities that already ended take no reservation and are skipped.
 */
@Component
class ClosedPoints implements PointDeactivation {

  private final DatabaseClient db;
  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Shards shards;
  private final RedisScript<String> closePoint;
  private final ObjectProvider<PickupPoints> points;
  private final Clock clock;

  ClosedPoints(DatabaseClient db, ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<String> closePoint,
      Shards shards,
      ObjectProvider<PickupPoints> points, Clock clock) {
    this.db = db;
    this.redis = redis;
    this.keys = keys;
    this.shards = shards;
    this.closePoint = closePoint;
    this.points = points;
    this.clock = clock;
  }

  @Override
  public Mono<Void> deactivated(long pointId) {
    return db.sql("SELECT ap.activity_id FROM activity_points ap JOIN activities a ON a.id = ap.activity_id"
            + " WHERE ap.point_id = :point AND a.ends_at > :now")
        .bind("point", pointId).bind("now", utc(clock.instant()))
        .map(row -> row.get("activity_id", Long.class)).all()
        .concatMap(activity -> close(new ActivityId(activity), pointId))
        .then();
  }

  /** After warming: closes the activity's points that MySQL records as deactivated. */
  Mono<Void> closeInactive(Activity activity) {
    return inactive(activity).concatMap(pointId -> close(activity.id(), pointId)).then();
  }

  /** The activity's points that MySQL records as deactivated (a rebuild writes them closed in FINISH). */
  Flux<Long> inactive(Activity activity) {
    if (activity.pickup() == null) {
      return Flux.empty();
    }
    List<Long> ids = activity.pickup().points().stream().map(Pickup.PointShare::pointId).toList();
    return points.getObject().findAll(ids).filter(p -> !p.active()).map(PickupPoint::id);
  }

  /**
   * The warmer's repair pass: closes again every deactivated point of a not yet ended activity (one
   * query for all of them), in case a close after the deactivation failed. Idempotent; an activity
   * that is not warm answers NOT_WARM and is left to its warming. Answers the points closed now.
   */
  Mono<Long> closeAgain() {
    return db.sql("SELECT ap.activity_id, ap.point_id FROM pickup_points p"
            + " JOIN activity_points ap ON ap.point_id = p.id JOIN activities a ON a.id = ap.activity_id"
            + " WHERE p.active = FALSE AND a.ends_at > :now")
        .bind("now", utc(clock.instant()))
        .map(row -> new long[] {row.get("activity_id", Long.class), row.get("point_id", Long.class)}).all()
        .concatMap(pair -> close(new ActivityId(pair[0]), pair[1]).filter("CLOSED"::equals))
        .count();
  }

  /** In every bucket of a sharded activity (each takes reservations for the point). */
  private Flux<String> close(ActivityId activity, long pointId) {
    return shards.of(activity).flatMapMany(sharding -> Flux.fromIterable(sharding.all(keys)))
        .concatMap(k -> redis.execute(closePoint, List.of(k.activity()), List.of(Long.toString(pointId))));
  }
}
