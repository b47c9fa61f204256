package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
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
  private final Activities activities;

  WarmTitles(ReactiveStringRedisTemplate redis, RedisKeys keys, Activities activities) {
    this.redis = redis;
    this.keys = keys;
    this.activities = activities;
  }

  @Override
  public Mono<String> titleOf(long activityId) {
    ActivityId id = new ActivityId(activityId);
    return redis.<String, String>opsForHash().get(keys.of(id).activity(), "title")
        .switchIfEmpty(Mono.defer(() -> activities.find(id).map(Activity::title)));
  }
}
