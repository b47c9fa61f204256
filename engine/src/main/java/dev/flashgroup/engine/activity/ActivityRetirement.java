package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Sharding;
import dev.flashgroup.engine.shard.Shards;
import dev.flashgroup.engine.shard.StockTransfers;
import dev.flashgroup.engine.keys.StreamSettings;
import dev.flashgroup.engine.keys.WarmActivities;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Lets the keys of an activity that is over expire (retire_activity.lua), then takes it off the
 * warm set. The script works in bounded batches; one round calls it until it has an answer, at most
 * {@link #MOST_CALLS_PER_ROUND} times, and the next round goes on from where it stopped. Safe with
 * many instances: each call is atomic and the script keeps its place in Redis.
 */
@Component
class ActivityRetirement {

  /** Ids (orders and groups) one call checks or expires: a few thousand Redis calls at most. */
  static final int BATCH = 500;
  private static final int MOST_CALLS_PER_ROUND = 400;
  private static final Set<String> CALL_AGAIN = Set.of("CHECKING", "CHECKED", "EXPIRING");
  private static final Set<String> DONE = Set.of("RETIRED", "ALREADY_RETIRED");

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Shards shards;
  private final RedisScript<String> retireActivity;
  private final WarmActivities warm;
  private final StreamSettings streams;
  private final ActivitySettings settings;
  private final StockTransfers transfers;
  private final Clock clock;

  ActivityRetirement(ReactiveStringRedisTemplate redis, RedisKeys keys, Shards shards, RedisScript<String> retireActivity,
      WarmActivities warm, StreamSettings streams, ActivitySettings settings, StockTransfers transfers, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.shards = shards;
    this.retireActivity = retireActivity;
    this.warm = warm;
    this.streams = streams;
    this.settings = settings;
    this.transfers = transfers;
    this.clock = clock;
  }

  /** The script's last answer this round; RETIRED and ALREADY_RETIRED take the activity off the warm set. */
  Mono<String> retire(ActivityId activity) {
    return shards.of(activity).flatMap(sharding -> !sharding.sharded()
        ? retireBucket(keys.of(activity))
            .flatMap(outcome -> DONE.contains(outcome) ? warm.remove(activity).thenReturn(outcome) : Mono.just(outcome))
        : retireBuckets(sharding));
  }

  /**
   * Each bucket of a sharded activity retires on its own (its stream, timers, orders and groups are
   * its own); the buckets leave the warm set together, once every one is retired. The answer is
   * the first bucket's answer that is not done, else the last one's. Transfers still in flight
   * between the buckets are finished first, whatever their age (a bucket with one recorded answers
   * TRANSFERS_PENDING): their units land in their receiver, and no transfers_out outlives the sale.
   */
  private Mono<String> retireBuckets(Sharding sharding) {
    List<RedisKeys.ActivityKeys> buckets = sharding.all(keys);
    return transfers.finishAll(sharding).onErrorResume(e -> Mono.just(0L))
        .thenMany(Flux.fromIterable(buckets).concatMap(this::retireBucket)).collectList()
        .flatMap(outcomes -> outcomes.stream().allMatch(DONE::contains)
            ? warm.removeStreams(sharding.activity(), buckets).thenReturn(outcomes.get(outcomes.size() - 1))
            : Mono.just(outcomes.stream().filter(o -> !DONE.contains(o)).findFirst().orElseThrow()));
  }

  private Mono<String> retireBucket(RedisKeys.ActivityKeys k) {
    return Mono.defer(() -> once(k))
        .repeat(MOST_CALLS_PER_ROUND - 1)
        .takeUntil(outcome -> !CALL_AGAIN.contains(outcome))
        .last();
  }

  private Mono<String> once(RedisKeys.ActivityKeys k) {
    return redis.execute(retireActivity,
            List.of(k.activity(), k.quota(), k.paymentDeadlines(), k.groupDeadlines(), k.openGroups(), k.events(),
                k.stockChanges(), k.retirement(), k.pickupDeadlines(), k.pickupReminders(), k.transfersOut(),
                k.transfersIn()),
            List.of(k.prefix(), Long.toString(clock.millis()), streams.consumerGroup(),
                Long.toString(settings.retain().toSeconds()), Integer.toString(BATCH)))
        .single();
  }
}
