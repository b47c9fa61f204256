package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Shards;
import dev.flashgroup.engine.payment.ActivityTitles;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Titles for payments, from the activity's Redis hash (warming writes it with the terms), so a
 * payment started during the spike asks nothing of MySQL; an activity warmed before titles were
 * kept there is looked up in MySQL instead.
 */
@Component
class WarmTitles implements ActivityTitles {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Shards shards;
  private final Activities activities;

  WarmTitles(ReactiveStringRedisTemplate redis, RedisKeys keys, Shards shards, Activities activities) {
    this.shards = shards;
    this.redis = redis;
    this.keys = keys;
    this.activities = activities;
  }

  @Override
  public Mono<String> titleOf(long activityId) {
    ActivityId id = new ActivityId(activityId);
    // A sharded activity's buckets all carry the title: bucket 0's is read.
    return shards.of(id).flatMap(sharding -> redis.<String, String>opsForHash().get(sharding.keys(keys, 0).activity(),
            "title"))
        .switchIfEmpty(Mono.defer(() -> activities.find(id).map(Activity::title)));
  }
}
