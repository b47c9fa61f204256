package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** An activity's figures: {@link MerchantFigures} for its merchant, remaining stock for buyers. */
@Service
public class ActivityFigures {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final DatabaseClient db;

  ActivityFigures(ReactiveStringRedisTemplate redis, RedisKeys keys, DatabaseClient db) {
    this.redis = redis;
    this.keys = keys;
    this.db = db;
  }

  /**
   * Units still for sale: Redis' count while warm; otherwise (not warm yet, or retired) the stock
   * in MySQL less the units its orders hold, which before warming is the scheduled stock.
   */
  public Mono<Integer> remainingStock(Activity activity) {
    List<RedisKeys.ActivityKeys> buckets = keys.buckets(activity.id(), activity.shards());
    // The sum over the buckets of a sharded activity (one read each: they live in different slots);
    // units a transfer between buckets has in flight are in none of them for that moment.
    return Flux.fromIterable(buckets)
        .concatMap(k -> redis.<String, String>opsForHash().get(k.activity(), "stock").map(Integer::parseInt))
        .collectList()
        .filter(found -> found.size() == buckets.size())
        .map(found -> found.stream().mapToInt(Integer::intValue).sum())
        .switchIfEmpty(Mono.defer(() -> unitsHeld(activity.id()).map(held -> (int) (activity.stock() - held))));
  }

  /** Orders that hold a unit: every state but the ones that gave it back (or never took one). */
  private static final String HOLDS_UNIT = " AND status NOT IN ('EXPIRED', 'REFUNDING', 'REFUNDED')";

  private Mono<Long> unitsHeld(ActivityId id) {
    return db.sql("SELECT COUNT(*) AS n FROM orders WHERE activity_id = :id" + HOLDS_UNIT)
        .bind("id", id.value())
        .map(row -> row.get("n", Long.class))
        .one();
  }

  /**
   * Each pickup point's free units (point id → remaining share), in allocation order: Redis' counts
   * while warm; otherwise (not warm yet, or retired) each point's share less the units MySQL's
   * orders hold there, which before warming is the share. Empty for an activity without points.
   */
  public Mono<Map<Long, Integer>> pointsRemaining(Activity activity) {
    if (activity.pickup() == null) {
      return Mono.just(Map.of());
    }
    List<Pickup.PointShare> shares = activity.pickup().points();
    List<String> fields = shares.stream().map(p -> RedisKeys.ActivityKeys.pointStockField(p.pointId())).toList();
    return Flux.fromIterable(keys.buckets(activity.id(), activity.shards()))
        .concatMap(k -> redis.<String, String>opsForHash().multiGet(k.activity(), fields))
        .reduce(ActivityFigures::addUp)
        .flatMap(left -> {
      Mono<Map<Long, Long>> held = left.contains(null) ? unitsHeldByPoint(activity.id()) : Mono.just(Map.of());
      return held.map(atPoint -> {
        Map<Long, Integer> remaining = new LinkedHashMap<>();
        for (int i = 0; i < shares.size(); i++) {
          Pickup.PointShare share = shares.get(i);
          String value = left.get(i);
          remaining.put(share.pointId(), value != null ? Integer.parseInt(value)
              : (int) Math.max(0, share.stock() - atPoint.getOrDefault(share.pointId(), 0L)));
        }
        return remaining;
      });
    });
  }

  /** Two buckets' point shares added up, position by position; a share absent in either is absent. */
  private static List<String> addUp(List<String> a, List<String> b) {
    List<String> sum = new java.util.ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      sum.add(a.get(i) == null || b.get(i) == null ? null
          : Integer.toString(Integer.parseInt(a.get(i)) + Integer.parseInt(b.get(i))));
    }
    return sum;
  }

  private Mono<Map<Long, Long>> unitsHeldByPoint(ActivityId id) {
    return db.sql("SELECT pickup_point_id, COUNT(*) AS n FROM orders WHERE activity_id = :id"
            + " AND pickup_point_id IS NOT NULL" + HOLDS_UNIT + " GROUP BY pickup_point_id")
        .bind("id", id.value())
        .map(row -> Map.entry(row.get("pickup_point_id", Long.class), row.get("n", Long.class)))
        .all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue);
  }

  public Mono<MerchantFigures> of(Activity activity) {
    return Mono.zip(remainingStock(activity), pointsRemaining(activity),
            countByStatus("purchase_groups", activity.id()),
            countByStatus("orders", activity.id()))
        .map(t -> new MerchantFigures(t.getT1(), t.getT2(), t.getT3(), t.getT4()));
  }

  private Mono<Map<String, Long>> countByStatus(String table, ActivityId id) {
    return db.sql("SELECT status, COUNT(*) AS n FROM " + table + " WHERE activity_id = :id GROUP BY status")
        .bind("id", id.value())
        .map(row -> Map.entry(row.get("status", String.class), row.get("n", Long.class)))
        .all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
  }
}
