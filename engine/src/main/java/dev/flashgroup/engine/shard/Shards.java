package dev.flashgroup.engine.shard;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Each activity's bucket count, read from MySQL ({@code activities.shards}) once per instance and
 * kept: it is fixed when the activity is created, so a kept value is never stale. An id MySQL does
 * not know is one bucket (and not kept: it may be created later).
 */
@Component
public class Shards {

  private final DatabaseClient db;
  private final RedisKeys keys;
  private final Map<ActivityId, Sharding> known = new ConcurrentHashMap<>();

  Shards(DatabaseClient db, RedisKeys keys) {
    this.db = db;
    this.keys = keys;
  }

  /** The keys of the bucket an order or group id ({@code 42-17}) of {@code activity} lives in. */
  public Mono<RedisKeys.ActivityKeys> keysOf(ActivityId activity, String childId) {
    return of(activity).map(sharding -> sharding.keysOf(keys, childId));
  }

  public Mono<Sharding> of(ActivityId activity) {
    Sharding kept = known.get(activity);
    if (kept != null) {
      return Mono.just(kept);
    }
    return db.sql("SELECT shards FROM activities WHERE id = :id")
        .bind("id", activity.value())
        .map(row -> row.get("shards", Integer.class))
        .one()
        .map(count -> known.computeIfAbsent(activity, a -> new Sharding(a, count)))
        .defaultIfEmpty(Sharding.single(activity));
  }
}
