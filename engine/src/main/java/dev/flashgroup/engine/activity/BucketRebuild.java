package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.recovery.RebuildSettings;
import dev.flashgroup.engine.shard.Sharding;
import dev.flashgroup.engine.timer.DeadlineNotices;
import dev.flashgroup.engine.timer.PickupNotices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rebuilds the lost buckets of a sharded activity from MySQL (docs/cluster.md, "Hot activities:
 * shards"): each lost bucket gets the orders, groups and pickup timers whose ids name it, through
 * the same rebuild_activity.lua steps as an activity. What it puts on sale is the activity's units
 * no live bucket holds: the stock less what MySQL's orders of the lost buckets hold, less each live
 * bucket's stock, its quota (the units its buyers hold, Redis' own count) and its transfers in
 * flight, split evenly over the lost buckets. With pickup points the live buckets' holdings per
 * point are MySQL's (a live bucket keeps no per-point count of what it sold). A live bucket is never
 * touched; if all are lost this is the activity's stock less MySQL's held units, as for an activity.
 */
final class BucketRebuild {

  private static final Logger log = LoggerFactory.getLogger(BucketRebuild.class);
  private static final Set<String> HOLDS_UNIT = Set.of("RESERVED", "PAID", "SUCCEEDED", "PICKED_UP", "OVERDUE");

  private final ActivityRebuild steps;
  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Activities activities;
  private final RebuildSource source;
  private final WarmActivities warm;
  private final RebuildSettings settings;
  private final ClosedPoints closedPoints;
  private final PickupWindows windows;
  private final DeadlineNotices deadlines;
  private final PickupNotices pickups;

  BucketRebuild(ActivityRebuild steps, ReactiveStringRedisTemplate redis, RedisKeys keys, Activities activities,
      RebuildSource source, WarmActivities warm, RebuildSettings settings, ClosedPoints closedPoints,
      PickupWindows windows, DeadlineNotices deadlines, PickupNotices pickups) {
    this.steps = steps;
    this.redis = redis;
    this.keys = keys;
    this.activities = activities;
    this.source = source;
    this.warm = warm;
    this.settings = settings;
    this.closedPoints = closedPoints;
    this.windows = windows;
    this.deadlines = deadlines;
    this.pickups = pickups;
  }

  /** Units held in a lost bucket by MySQL's orders: all, and per point. */
  private static final class Held {
    long units;
    final Map<Long, Long> atPoint = new ConcurrentHashMap<>();
  }

  /** What the live buckets hold: stock for sale, units their buyers hold, units in flight (and per point). */
  private record Live(long stock, long held, long inFlight, Map<Long, Long> pointStock, Map<Long, Long> pointInFlight) {}

  /** Rebuilds the buckets of the activity Redis does not hold; REBUILT, or the first step's refusal. */
  Mono<String> rebuild(Sharding sharding) {
    return activities.find(sharding.activity()).flatMap(a -> Flux.range(0, sharding.shards())
        .filterWhen(b -> redis.hasKey(sharding.keys(keys, b).activity()).map(present -> !present))
        .collectList()
        .flatMap(lost -> lost.isEmpty() ? Mono.just("ALREADY_WARM") : rebuild(a, sharding, lost)));
  }

  private Mono<String> rebuild(Activity a, Sharding sharding, List<Integer> lost) {
    String owner = ActivityRebuild.owner();
    Map<Integer, Held> held = new ConcurrentHashMap<>();
    return Flux.fromIterable(lost)
        .concatMap(b -> steps.step(sharding.keys(keys, b), "BEGIN", owner, List.of()))
        .filter(outcome -> !"BEGUN".equals(outcome))
        .next()
        .switchIfEmpty(Mono.defer(() -> {
          log.warn("Activity {}: buckets {} of {} should be warm and Redis does not hold them: rebuilding them from"
              + " MySQL", a.id(), lost, sharding.shards());
          return Flux.fromIterable(lost)
              .concatMap(b -> steps.write(a, sharding.keys(keys, b), owner, entry -> mine(sharding, b, entry, held)))
              .next()
              .switchIfEmpty(Mono.defer(() -> finish(a, sharding, lost, held, owner)));
        }));
  }

  /** Whether an entry (order, group, collectable order) lives in bucket {@code b}; counts the units its order holds. */
  private static boolean mine(Sharding sharding, int b, Object entry, Map<Integer, Held> held) {
    String id = entry instanceof RebuildSource.Entry e ? e.id() : ((RebuildSource.Collectable) entry).id();
    if (sharding.bucketOf(id) != b) {
      return false;
    }
    if (entry instanceof RebuildSource.Entry e && e.fields().containsKey("buyer")
        && HOLDS_UNIT.contains(e.fields().get("status"))) {
      Held h = held.computeIfAbsent(b, x -> new Held());
      h.units++;
      String point = e.fields().get("point");
      if (point != null) {
        h.atPoint.merge(Long.parseLong(point), 1L, Long::sum);
      }
    }
    return true;
  }

  private Mono<String> finish(Activity a, Sharding sharding, List<Integer> lost, Map<Integer, Held> held,
      String owner) {
    List<Integer> alive = new ArrayList<>();
    for (int b = 0; b < sharding.shards(); b++) {
      if (!lost.contains(b)) {
        alive.add(b);
      }
    }
    return Mono.zip(source.highestSequence(a.id()), windows.terms(a), closedPoints.inactive(a).collectList(),
            live(sharding, alive), source.heldByPoint(a.id()))
        .flatMap(found -> {
          long base = found.getT1() + settings.sequenceGap();
          Map<Integer, List<String>> terms = bucketTerms(a, lost, held, found.getT4(), found.getT5(), found.getT2());
          return Flux.fromIterable(lost)
              .concatMap(b -> steps.step(sharding.keys(keys, b), "FINISH", owner, steps.finishArgs(a,
                  base + Math.floorMod(b - base, (long) sharding.shards()), terms.get(b), found.getT3())))
              .filter(outcome -> !"REBUILT".equals(outcome))
              .next()
              .switchIfEmpty(Mono.defer(() -> closedPoints.closeInactive(a)
                  .then(warm.addStreams(a.id(), sharding.all(keys)))
                  .then(Mono.fromRunnable(() -> {
                    deadlines.mayHaveNewDeadline(a.id());
                    pickups.mayHaveNewTimer(a.id());
                    log.warn("Activity {}: buckets {} rebuilt from MySQL", a.id(), lost);
                  }))
                  .thenReturn("REBUILT")));
        });
  }

  /**
   * Each lost bucket's terms: FINISH takes the units the bucket's orders hold off {@code stock}
   * and each {@code point:<id>}, so each is given as its share of what is left plus its holdings.
   */
  private static Map<Integer, List<String>> bucketTerms(Activity a, List<Integer> lost, Map<Integer, Held> held,
      Live live, Map<Long, Long> mysqlHeldAt, List<String> terms) {
    Map<Integer, List<String>> byBucket = new HashMap<>();
    long heldLost = held.values().stream().mapToLong(h -> h.units).sum();
    int n = lost.size();
    Map<Integer, Map<Long, Long>> points = new HashMap<>();
    Map<Integer, Long> stock = new HashMap<>();
    if (a.pickup() == null) {
      long left = Math.max(0, a.stock() - heldLost - live.held() - live.stock() - live.inFlight());
      for (int i = 0; i < n; i++) {
        stock.put(lost.get(i), BucketTerms.share(left, i, n, 0));
      }
    } else {
      int offset = 0;
      for (Pickup.PointShare share : a.pickup().points()) {
        long p = share.pointId();
        long left = Math.max(0, share.stock() - mysqlHeldAt.getOrDefault(p, 0L) - live.pointStock().getOrDefault(p, 0L)
            - live.pointInFlight().getOrDefault(p, 0L));
        for (int i = 0; i < n; i++) {
          long mine = BucketTerms.share(left, i, n, offset);
          points.computeIfAbsent(lost.get(i), b -> new LinkedHashMap<>()).put(p, mine);
          stock.merge(lost.get(i), mine, Long::sum);
        }
        offset = (int) ((offset + left % n) % n);
      }
    }
    for (int b : lost) {
      Held h = held.getOrDefault(b, new Held());
      Map<Long, Long> withHeld = new LinkedHashMap<>();
      points.getOrDefault(b, Map.of()).forEach((p, units) -> withHeld.put(p, units + h.atPoint.getOrDefault(p, 0L)));
      byBucket.put(b, BucketTerms.of(a, terms, b, stock.getOrDefault(b, 0L) + h.units, withHeld));
    }
    return byBucket;
  }

  /** The live buckets' stock, point shares, quotas (units held) and transfers in flight, read one bucket at a time. */
  private Mono<Live> live(Sharding sharding, List<Integer> alive) {
    return Flux.fromIterable(alive).map(b -> sharding.keys(keys, b))
        .concatMap(k -> Mono.zip(
            redis.<String, String>opsForHash().entries(k.activity()).collectMap(Map.Entry::getKey, Map.Entry::getValue),
            redis.<String, String>opsForHash().values(k.quota()).map(Long::parseLong).reduce(0L, Long::sum),
            redis.<String, String>opsForHash().values(k.transfersOut()).collectList()))
        .reduce(new Live(0, 0, 0, new HashMap<>(), new HashMap<>()), (sum, bucket) -> {
          Map<String, String> hash = bucket.getT1();
          long inFlight = 0;
          for (String record : bucket.getT3()) {
            String[] part = record.split("\\|", -1);
            long units = Long.parseLong(part[2]);
            inFlight += units;
            if (!part[1].isEmpty()) {
              sum.pointInFlight().merge(Long.parseLong(part[1]), units, Long::sum);
            }
          }
          hash.forEach((field, value) -> {
            if (field.startsWith(RedisKeys.ActivityKeys.POINT_STOCK_PREFIX)) {
              sum.pointStock().merge(Long.parseLong(field.substring(RedisKeys.ActivityKeys.POINT_STOCK_PREFIX.length())),
                  Long.parseLong(value), Long::sum);
            }
          });
          return new Live(sum.stock() + Long.parseLong(hash.getOrDefault("stock", "0")), sum.held() + bucket.getT2(),
              sum.inFlight() + inFlight, sum.pointStock(), sum.pointInFlight());
        });
  }
}
