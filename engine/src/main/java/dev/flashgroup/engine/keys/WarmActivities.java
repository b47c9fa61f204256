package dev.flashgroup.engine.keys;

import dev.flashgroup.engine.kernel.ActivityId;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The activities warm in Redis, which the relay and the timers visit on every round. */
@Component
public class WarmActivities {

  private static final Logger log = LoggerFactory.getLogger(WarmActivities.class);

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;

  WarmActivities(ReactiveStringRedisTemplate redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  public Mono<Void> add(ActivityId activity) {
    return redis.opsForSet().add(keys.warmActivities(), activity.toString()).then();
  }

  /** Takes a retired activity off the set: the relay and the timers stop visiting it. */
  public Mono<Void> remove(ActivityId activity) {
    return redis.opsForSet().remove(keys.warmActivities(), activity.toString()).then();
  }

  /**
   * Runs {@code work} for each warm activity, one after another. An activity whose work fails is
   * logged and skipped, so one activity in trouble never holds up the others.
   */
  public <T> Flux<T> visit(String what, Function<ActivityId, Mono<T>> work) {
    return redis.opsForSet().members(keys.warmActivities())
        .map(id -> new ActivityId(Long.parseLong(id)))
        .concatMap(activity -> work.apply(activity).onErrorResume(e -> {
          log.warn("{} activity {} failed: {}", what, activity, e.toString());
          return Mono.empty();
        }));
  }
}
