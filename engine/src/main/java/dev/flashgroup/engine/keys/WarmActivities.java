package dev.flashgroup.engine.keys;

import dev.flashgroup.engine.kernel.ActivityId;
import java.util.Collection;
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

  /** Lists the buckets of a sharded activity ({@code 42.0} .. {@code 42.7}): each has its stream and timers. */
  public Mono<Void> addStreams(ActivityId activity, Collection<RedisKeys.ActivityKeys> buckets) {
    return redis.opsForSet().add(keys.warmActivities(), buckets.stream().map(RedisKeys.ActivityKeys::tag)
        .toArray(String[]::new)).then();
  }

  public Mono<Void> removeStreams(ActivityId activity, Collection<RedisKeys.ActivityKeys> buckets) {
    return redis.opsForSet().remove(keys.warmActivities(), buckets.stream().map(RedisKeys.ActivityKeys::tag)
        .toArray(Object[]::new)).then();
  }

  /** One stream (and its timers) of a warm activity: the activity's own keys, or one bucket's. */
  public record WarmStream(ActivityId activity, RedisKeys.ActivityKeys keys) {}

  /**
   * Runs {@code work} for each warm stream prefix (each bucket of a sharded activity once), one
   * after another; one that fails is logged and skipped.
   */
  public <T> Flux<T> visitStreams(String what, Function<WarmStream, Mono<T>> work) {
    return redis.opsForSet().members(keys.warmActivities())
        .map(member -> new WarmStream(RedisKeys.activityOf(member), keys.streamOf(member)))
        .concatMap(stream -> work.apply(stream).onErrorResume(e -> {
          log.warn("{} {} failed: {}", what, stream.keys().prefix(), e.toString());
          return Mono.empty();
        }));
  }

  /**
   * Runs {@code work} for each warm activity, one after another. An activity whose work fails is
   * logged and skipped, so one activity in trouble never holds up the others.
   */
  public <T> Flux<T> visit(String what, Function<ActivityId, Mono<T>> work) {
    return redis.opsForSet().members(keys.warmActivities())
        .map(RedisKeys::activityOf)
        .distinct()
        .concatMap(activity -> work.apply(activity).onErrorResume(e -> {
          log.warn("{} activity {} failed: {}", what, activity, e.toString());
          return Mono.empty();
        }));
  }
}
