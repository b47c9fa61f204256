package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.recovery.RebuildSettings;
import dev.flashgroup.engine.shard.Sharding;
import dev.flashgroup.engine.timer.DeadlineNotices;
import dev.flashgroup.engine.timer.PickupNotices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rebuilds the lost buckets of a sharded activity from MySQL (docs/cluster.md, "Rebuilding lost
 * buckets"): each lost bucket gets the orders, groups and pickup timers whose ids name it, through
 * the same rebuild_activity.lua steps as an activity. What it puts on sale is the activity's units
 * no live bucket holds: the stock less what MySQL's orders of the lost buckets hold, less each live
 * bucket's stock, its quota (the units its buyers hold, Redis' own count) and its transfers in
 * flight, split evenly over the lost buckets; with pickup points, per point, less each live bucket's
 * allocation there ({@code point_total:<id>}) and its transfers in flight of it. Each live bucket is
 * read in one call that also freezes its transfers until FINISH ({@link FrozenBuckets}), so no unit
 * in flight is counted nowhere; a bucket thought alive that is gone (or frozen by another rebuilder)
 * stops the rebuild until the next round. Each rebuilt bucket gets a new epoch, which the live
 * buckets learn before FINISH: a transfer its lost self took is refused by its receiver. A live
 * bucket's stock is never touched; if all are lost this is the activity's stock less MySQL's held
 * units, as for an activity.
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
  private final FrozenBuckets frozen;
  private final Clock clock;

  BucketRebuild(ActivityRebuild steps, ReactiveStringRedisTemplate redis, RedisKeys keys, Activities activities,
      RebuildSource source, WarmActivities warm, RebuildSettings settings, ClosedPoints closedPoints,
      PickupWindows windows, DeadlineNotices deadlines, PickupNotices pickups, FrozenBuckets frozen, Clock clock) {
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
    this.frozen = frozen;
    this.clock = clock;
  }

  /** Units held in a lost bucket by MySQL's orders: all, and per point. */
  private static final class Held {
    long units;
    final Map<Long, Long> atPoint = new ConcurrentHashMap<>();
  }

  /** Rebuilds the buckets of the activity Redis does not hold; REBUILT, or the first step's refusal. */
  Mono<String> rebuild(Sharding sharding) {
    return activities.find(sharding.activity()).flatMap(a -> Flux.range(0, sharding.shards())
        .filterWhen(b -> redis.hasKey(sharding.keys(keys, b).activity()).map(present -> !present))
        .collectList()
        .flatMap(lost -> lost.isEmpty() ? Mono.just("ALREADY_WARM") : rebuild(a, sharding, lost)));
  }

  /**
   * Rebuilds the buckets {@code lost}, found lost a moment ago: the others are thought alive (and
   * one may have been lost since, or be rebuilt by another instance that thinks this one alive).
   */
  Mono<String> rebuild(Sharding sharding, List<Integer> lost) {
    return activities.find(sharding.activity()).flatMap(a -> rebuild(a, sharding, lost));
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
            source.heldByPoint(a.id()))
        .flatMap(found -> frozen.freeze(sharding, alive, owner).flatMap(reads -> {
          Map<Integer, Long> epochs = newEpochs(lost, reads);
          return frozen.confirm(sharding, alive, owner, epochs, askReceivers(reads))
              .flatMap(received -> {
                Live live = Live.of(reads, Set.copyOf(received));
                long base = found.getT1() + settings.sequenceGap();
                Map<Integer, List<String>> terms = bucketTerms(a, lost, held, live, found.getT4(), found.getT2());
                return Flux.fromIterable(lost)
                    .concatMap(b -> steps.step(sharding.keys(keys, b), "FINISH", owner, steps.finishArgs(a,
                        base + Math.floorMod(b - base, (long) sharding.shards()),
                        withEpochs(terms.get(b), b, sharding, epochs, reads), found.getT3())))
                    .filter(outcome -> !"REBUILT".equals(outcome))
                    .next()
                    .defaultIfEmpty("REBUILT");
              });
        }))
        .onErrorResume(FrozenBuckets.Aborted.class, e -> frozen.thaw(sharding, alive, owner)
            .then(Flux.fromIterable(lost).concatMap(b -> steps.step(sharding.keys(keys, b), "ABANDON", owner, List.of()))
                .then())
            .then(Mono.fromRunnable(() -> log.warn("Activity {}: rebuilding buckets {} stopped, begun again next round: {}",
                a.id(), lost, e.getMessage())))
            .thenReturn("ABORTED"))
        .onErrorResume(e -> !(e instanceof FrozenBuckets.Aborted),
            e -> frozen.thaw(sharding, alive, owner).then(Mono.error(e)))
        .flatMap(outcome -> !"REBUILT".equals(outcome) ? frozen.thaw(sharding, alive, owner).thenReturn(outcome)
            : frozen.thaw(sharding, alive, owner)
            .then(closedPoints.closeInactive(a))
            .then(warm.addStreams(a.id(), sharding.all(keys)))
            .then(Mono.fromRunnable(() -> {
              deadlines.mayHaveNewDeadline(a.id());
              pickups.mayHaveNewTimer(a.id());
              log.warn("Activity {}: buckets {} rebuilt from MySQL", a.id(), lost);
            }))
            .thenReturn("REBUILT"));
  }

  /**
   * Each lost bucket's new epoch: later than any the live buckets know of it (and at least now), so
   * a transfer its earlier self took and never recorded anywhere else is refused by its receiver.
   */
  private Map<Integer, Long> newEpochs(List<Integer> lost, Map<Integer, FrozenBuckets.Read> reads) {
    Map<Integer, Long> epochs = new HashMap<>();
    for (int b : lost) {
      long known = reads.values().stream().mapToLong(r -> r.epochs().getOrDefault(Integer.toString(b), 0L))
          .max().orElse(0L);
      epochs.put(b, Math.max(clock.millis(), known + 1));
    }
    return epochs;
  }

  /** The transfers each live bucket recorded as given to another live bucket: that receiver is asked whether it has them. */
  private static Map<Integer, List<String>> askReceivers(Map<Integer, FrozenBuckets.Read> reads) {
    Map<Integer, List<String>> ask = new HashMap<>();
    reads.values().forEach(r -> r.out().forEach((id, record) -> {
      int to = FrozenBuckets.InFlight.parse(record).to();
      if (reads.containsKey(to)) {
        ask.computeIfAbsent(to, x -> new ArrayList<>()).add(id);
      }
    }));
    return ask;
  }

  /** A lost bucket's terms with its new epoch and the epochs it is to know of every other bucket. */
  private static List<String> withEpochs(List<String> terms, int b, Sharding sharding, Map<Integer, Long> epochs,
      Map<Integer, FrozenBuckets.Read> reads) {
    List<String> all = new ArrayList<>(terms);
    all.addAll(List.of(RedisKeys.ActivityKeys.EPOCH, Long.toString(epochs.get(b))));
    for (int x = 0; x < sharding.shards(); x++) {
      if (x != b) {
        long epoch = epochs.containsKey(x) ? epochs.get(x) : reads.get(x).epoch();
        all.addAll(List.of(RedisKeys.ActivityKeys.giverEpochField(x), Long.toString(epoch)));
      }
    }
    return all;
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
      long left = Math.max(0, a.stock() - heldLost - live.owned());
      for (int i = 0; i < n; i++) {
        stock.put(lost.get(i), BucketTerms.share(left, i, n, 0));
      }
    } else {
      int offset = 0;
      for (Pickup.PointShare share : a.pickup().points()) {
        long p = share.pointId();
        long lostHeldAt = held.values().stream().mapToLong(h -> h.atPoint.getOrDefault(p, 0L)).sum();
        long left = Math.max(0, share.stock() - lostHeldAt - live.ownedAt(p, mysqlHeldAt.getOrDefault(p, 0L) - lostHeldAt));
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

  /**
   * What the live buckets own, from their frozen reads: stock for sale, the units their buyers hold
   * (their quotas) and their transfers in flight (less those a live receiver already has); per
   * point, each bucket's allocation there ({@code point_total:<id>}: left for sale plus held by its
   * orders) and its transfers in flight of that point. A bucket warmed before totals were kept
   * has none: for such a point the live buckets' holdings are MySQL's (its relay lag may let a unit
   * sell twice there, as before).
   */
  private record Live(long owned, Map<Long, Long> pointOwned, Map<Long, Long> pointLeft, Set<Long> untotalled) {

    static Live of(Map<Integer, FrozenBuckets.Read> reads, Set<String> received) {
      long owned = 0;
      Map<Long, Long> pointOwned = new HashMap<>();
      Map<Long, Long> pointLeft = new HashMap<>();
      Set<Long> untotalled = new HashSet<>();
      for (FrozenBuckets.Read r : reads.values()) {
        owned += r.stock() + r.held();
        for (Map.Entry<String, String> t : r.out().entrySet()) {
          if (received.contains(t.getKey())) {
            continue;
          }
          FrozenBuckets.InFlight record = FrozenBuckets.InFlight.parse(t.getValue());
          owned += record.units();
          if (!record.point().isEmpty()) {
            pointOwned.merge(Long.parseLong(record.point()), (long) record.units(), Long::sum);
            pointLeft.merge(Long.parseLong(record.point()), (long) record.units(), Long::sum);
          }
        }
        r.points().forEach((point, figures) -> {
          long p = Long.parseLong(point);
          pointLeft.merge(p, figures.get(0), Long::sum);
          if (figures.get(1) < 0) {
            untotalled.add(p);
          } else {
            pointOwned.merge(p, figures.get(1), Long::sum);
          }
        });
      }
      return new Live(owned, pointOwned, pointLeft, untotalled);
    }

    /** The live buckets' units at point {@code p}; {@code heldByLiveInMysql}: MySQL's figure, used without totals. */
    long ownedAt(long p, long heldByLiveInMysql) {
      return untotalled.contains(p) ? Math.max(0, heldByLiveInMysql) + pointLeft.getOrDefault(p, 0L)
          : pointOwned.getOrDefault(p, 0L);
    }
  }
}
