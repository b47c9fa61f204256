package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.StreamSettings;
import dev.flashgroup.engine.keys.WarmActivities;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Loads an activity into Redis (warm_activity.lua) and lists it among the warm activities for the sweeper and relay. */
@Component
class WarmUp {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final WarmActivities warm;
  private final RedisScript<String> warmActivity;
  private final Activities activities;
  private final StreamSettings streams;
  private final TransactionalOperator tx;
  private final ClosedPoints closedPoints;
  private final PickupWindows windows;

  WarmUp(ReactiveStringRedisTemplate redis, RedisKeys keys, WarmActivities warm, RedisScript<String> warmActivity,
      Activities activities, StreamSettings streams, ReactiveTransactionManager transactions,
      ClosedPoints closedPoints, PickupWindows windows) {
    this.closedPoints = closedPoints;
    this.windows = windows;
    this.redis = redis;
    this.keys = keys;
    this.warm = warm;
    this.warmActivity = warmActivity;
    this.activities = activities;
    this.streams = streams;
    this.tx = TransactionalOperator.create(transactions);
  }

  /**
   * Warms the activity as its row says once locked: a merchant's edit or cancellation either
   * lands before (and is what gets warmed) or after (and finds the activity warm). A cancelled
   * activity is never warmed.
   */
  Mono<Void> warm(Activity scheduled) {
    return tx.transactional(activities.lock(scheduled.id()).filter(a -> !a.cancelled()).flatMap(this::load));
  }

  /**
   * An activity split into buckets is warmed bucket by bucket (each a hash of its own with its share
   * of the stock, {@link BucketTerms}), and each bucket is listed as a warm stream.
   */
  private Mono<Void> load(Activity a) {
    List<RedisKeys.ActivityKeys> buckets = keys.buckets(a.id(), a.shards());
    return windows.terms(a).flatMap(terms -> Flux.range(0, buckets.size()).concatMap(b -> {
          var k = buckets.get(b);
          List<String> args = new ArrayList<>();
          args.add(streams.consumerGroup());
          args.addAll(a.shards() > 1 ? BucketTerms.of(a, terms, b) : terms);
          return redis.execute(warmActivity, List.of(k.activity(), k.events()), args);
        }).then())
        // A point deactivated since the activity was scheduled: closed once the hash exists.
        .then(closedPoints.closeInactive(a))
        .then(a.shards() > 1 ? warm.addStreams(a.id(), buckets) : warm.add(a.id()))
        .then(activities.markWarmed(a.id()));
  }

  /**
   * The activity's terms as field, value pairs of its Redis hash, the pickup allocation included (its
   * windows: {@link PickupWindows}); an edit before the start writes them again.
   */
  static List<String> terms(Activity a) {
    List<String> terms = new ArrayList<>(List.of(
        "activity_id", a.id().toString(),
        // What a payment is for (WeChat shows it in the buyer's payment record): read from here,
        // so starting a payment needs Redis only.
        "title", a.title(),
        "mode", a.mode().name(),
        "starts_at", Long.toString(a.startsAt().toEpochMilli()),
        "ends_at", Long.toString(a.endsAt().toEpochMilli()),
        "stock", Integer.toString(a.stock()),
        "stock_total", Integer.toString(a.stock()),
        "per_user_limit", Integer.toString(a.perUserLimit()),
        "group_size", Integer.toString(a.groupSize()),
        "group_price", Long.toString(a.groupPrice()),
        "solo_price", Long.toString(a.soloPrice()),
        "group_ttl_ms", Long.toString(a.groupTtl().toMillis()),
        "pay_window_ms", Long.toString(a.payWindow().toMillis()),
        "tiers", Tier.format(a.tiers()),
        "virtual_missing", Integer.toString(a.virtualSuccessMissing()),
        "pickup", a.pickup() == null ? "0" : "1"));
    // Safety stocks (low-stock alerts): only where set; reserve reads them with the stock and the share.
    if (a.safetyStock() != null) {
      terms.add(RedisKeys.ActivityKeys.SAFETY_STOCK);
      terms.add(Integer.toString(a.safetyStock()));
    }
    // Each point's share, in the activity's own hash (reserve takes it with the stock).
    if (a.pickup() != null) {
      for (Pickup.PointShare share : a.pickup().points()) {
        terms.add(RedisKeys.ActivityKeys.pointStockField(share.pointId()));
        terms.add(Integer.toString(share.stock()));
        if (share.safetyStock() != null) {
          terms.add(RedisKeys.ActivityKeys.pointSafetyStockField(share.pointId()));
          terms.add(Integer.toString(share.safetyStock()));
        }
      }
    }
    return terms;
  }
}
