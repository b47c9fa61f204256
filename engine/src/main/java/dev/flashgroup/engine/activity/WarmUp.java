package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.keys.LiveActivities;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.messaging.RelaySettings;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Loads an activity into Redis (warm_activity.lua) and lists it as live for the sweeper and relay. */
@Component
class WarmUp {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final LiveActivities live;
  private final RedisScript<String> warmActivity;
  private final Activities activities;
  private final RelaySettings relay;

  WarmUp(ReactiveStringRedisTemplate redis, RedisKeys keys, LiveActivities live, RedisScript<String> warmActivity,
      Activities activities, RelaySettings relay) {
    this.redis = redis;
    this.keys = keys;
    this.live = live;
    this.warmActivity = warmActivity;
    this.activities = activities;
    this.relay = relay;
  }

  Mono<Void> warm(Activity a) {
    var k = keys.of(a.id());
    List<String> args = List.of(relay.consumerGroup(),
        "activity_id", a.id().toString(),
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
        "virtual_missing", Integer.toString(a.virtualSuccessMissing()));
    return redis.execute(warmActivity, List.of(k.activity(), k.events()), args)
        .then(live.add(a.id()))
        .then(activities.markWarmed(a.id()));
  }
}
