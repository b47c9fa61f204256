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
  /** One MySQL read per activity however many requests ask at once (the 8 p.m. rush's first moment). */
  private final Map<ActivityId, Mono<Sharding>> reading = new ConcurrentHashMap<>();

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
    return reading.computeIfAbsent(activity, a -> db.sql("SELECT shards FROM activities WHERE id = :id")
            .bind("id", a.value())
            .map(row -> row.get("shards", Integer.class))
            .one()
            .map(count -> known.computeIfAbsent(a, x -> new Sharding(x, count)))
            .defaultIfEmpty(Sharding.single(a))
            // Kept only while it runs: an id MySQL does not know yet is asked again next time.
            .doFinally(signal -> reading.remove(a))
            .cache());
  }
}
