package dev.flashgroup.engine.shard;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.schedule.RepeatingJob;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps the buckets of every warm sharded activity near each other: each round, per activity, it
 * first finishes the transfers left behind ({@link StockTransfers#finishLeftBehind}), then, for the
 * stock (or for each pickup point's allocation), moves half the difference from the fullest bucket
 * to the emptiest when they drift apart by more than a quarter of the mean share (and at least two
 * units). Moves go through {@link StockTransfers}, so each takes only what its giver still has.
 *
 * <p>Every instance runs a rebalancer, but one activity is rebalanced by one round at a time: a
 * round first takes the activity's lease (SET NX PX {@code rebalance-every} on bucket 0's
 * {@code rebalancing} key) and leaves the activity alone when another instance holds it. Two
 * rounds reading the same buckets at once would each move half the same drift (the drift
 * reversed instead of evened, and back again the next second).
 */
@Component
public class Rebalancer extends RepeatingJob {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final WarmActivities warm;
  private final Shards shards;
  private final StockTransfers transfers;
  private final ShardSettings settings;
  private final Clock clock;
  /** This instance's lease token (only read by a person looking at the key). */
  private final String token = "rebalancer-" + Long.toHexString(ThreadLocalRandom.current().nextLong());

  Rebalancer(ReactiveStringRedisTemplate redis, RedisKeys keys, WarmActivities warm, Shards shards,
      StockTransfers transfers, ShardSettings settings, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.warm = warm;
    this.shards = shards;
    this.transfers = transfers;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  protected boolean enabled() {
    return settings.rebalanceEnabled();
  }

  @Override
  protected Duration pause() {
    return settings.rebalanceEvery();
  }

  @Override
  protected Mono<?> round() {
    return warm.visit("rebalancing", activity -> shards.of(activity)
        .filter(Sharding::sharded)
        .flatMap(this::roundOf))
        .then();
  }

  /**
   * One round for one activity under its lease: finishes the transfers left behind, then evens
   * the buckets. Answers the units moved, 0 when another round holds the lease.
   */
  Mono<Integer> roundOf(Sharding sharding) {
    return redis.opsForValue().setIfAbsent(sharding.keys(keys, 0).rebalancing(), token, settings.rebalanceEvery())
        .flatMap(leased -> leased ? transfers.finishLeftBehind(sharding).then(rebalance(sharding)) : Mono.just(0));
  }

  /** One activity's buckets once, without the lease; answers the units moved. */
  Mono<Integer> rebalance(Sharding sharding) {
    return Flux.fromIterable(sharding.all(keys))
        .concatMap(k -> redis.<String, String>opsForHash().entries(k.activity()).collectMap(Map.Entry::getKey,
            Map.Entry::getValue))
        .collectList()
        .flatMap(buckets -> {
          if (buckets.stream().anyMatch(b -> !b.containsKey("stock") || !onSale(b))) {
            return Mono.just(0);
          }
          return Flux.fromIterable(dimensions(buckets.get(0)))
              .concatMap(field -> even(sharding, buckets, field))
              .reduce(0, Integer::sum);
        });
  }

  private boolean onSale(Map<String, String> bucket) {
    return !"CANCELLED".equals(bucket.get("state")) && clock.millis() < Long.parseLong(bucket.get("ends_at"));
  }

  /** What is balanced: the stock, or each pickup point's allocation (the points sum to the stock). */
  private static List<String> dimensions(Map<String, String> bucket) {
    Set<String> points = new LinkedHashSet<>();
    for (String field : bucket.keySet()) {
      if (field.startsWith(RedisKeys.ActivityKeys.POINT_STOCK_PREFIX)) {
        points.add(field);
      }
    }
    return points.isEmpty() ? List.of("stock") : new ArrayList<>(points);
  }

  private Mono<Integer> even(Sharding sharding, List<Map<String, String>> buckets, String field) {
    int fullest = 0;
    int emptiest = 0;
    long total = 0;
    for (int b = 0; b < buckets.size(); b++) {
      long left = Long.parseLong(buckets.get(b).getOrDefault(field, "0"));
      total += left;
      if (left > Long.parseLong(buckets.get(fullest).getOrDefault(field, "0"))) {
        fullest = b;
      }
      if (left < Long.parseLong(buckets.get(emptiest).getOrDefault(field, "0"))) {
        emptiest = b;
      }
    }
    long drift = Long.parseLong(buckets.get(fullest).getOrDefault(field, "0"))
        - Long.parseLong(buckets.get(emptiest).getOrDefault(field, "0"));
    if (drift < 2 || drift <= total / (4L * buckets.size())) {
      return Mono.just(0);
    }
    Long point = field.equals("stock") ? null
        : Long.parseLong(field.substring(RedisKeys.ActivityKeys.POINT_STOCK_PREFIX.length()));
    // BUSY (a bucket frozen by a rebuild, or not warm): nothing moved; the next round tries again.
    return transfers.move(sharding, fullest, emptiest, point, (int) (drift / 2), false).map(moved -> Math.max(moved, 0));
  }
}
