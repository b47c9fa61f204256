package dev.flashgroup.engine.keys;

import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The activities warm in Redis, which the relay and the timers visit on every round. They are
 * spread over {@link RedisKeys#WARM_SHARDS} sets (by activity id), so on a Redis Cluster the sets
 * every instance reads are on every primary instead of one hot slot. A member names a stream prefix:
 * an activity's own ({@code 42}) or one of its buckets' ({@code 42.3}). What an instance read is kept
 * for {@code flashgroup.redis.live-cache}; its own changes drop that at once.
 */
@Component
public class WarmActivities {

  private static final Logger log = LoggerFactory.getLogger(WarmActivities.class);

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Duration cacheFor;
  private volatile Mono<List<WarmStream>> cached;
  private volatile long cachedUntil;

  /** One stream (and its timers) of a warm activity: the activity's own keys, or one bucket's. */
  public record WarmStream(ActivityId activity, RedisKeys.ActivityKeys keys) {}

  WarmActivities(ReactiveStringRedisTemplate redis, RedisKeys keys, WarmSetSettings settings) {
    this.redis = redis;
    this.keys = keys;
    this.cacheFor = settings.liveCache();
  }

  public Mono<Void> add(ActivityId activity) {
    return redis.opsForSet().add(keys.warmActivities(activity), activity.toString()).then(Mono.fromRunnable(this::drop));
  }

  /** Takes a retired activity off the set: the relay and the timers stop visiting it. */
  public Mono<Void> remove(ActivityId activity) {
    return redis.opsForSet().remove(keys.warmActivities(activity), activity.toString()).then(Mono.fromRunnable(this::drop));
  }

  /** Registers stream prefixes of one activity (its buckets'), each visited by {@link #visitStreams}. */
  public Mono<Void> addStreams(ActivityId activity, Collection<RedisKeys.ActivityKeys> streams) {
    return redis.opsForSet().add(keys.warmActivities(activity), members(streams)).then(Mono.fromRunnable(this::drop));
  }

  public Mono<Void> removeStreams(ActivityId activity, Collection<RedisKeys.ActivityKeys> streams) {
    return redis.opsForSet().remove(keys.warmActivities(activity), (Object[]) members(streams))
        .then(Mono.fromRunnable(this::drop));
  }

  /**
   * Runs {@code work} for each warm activity (once, however many streams it has), one after another.
   * An activity whose work fails is logged and skipped, so one activity in trouble never holds up the others.
   */
  public <T> Flux<T> visit(String what, Function<ActivityId, Mono<T>> work) {
    return streams()
        .map(all -> all.stream().map(WarmStream::activity).distinct().toList())
        .flatMapIterable(activities -> activities)
        .concatMap(activity -> work.apply(activity).onErrorResume(e -> {
          log.warn("{} activity {} failed: {}", what, activity, e.toString());
          return Mono.empty();
        }));
  }

  /** Runs {@code work} for each warm stream prefix, one after another, as {@link #visit} does. */
  public <T> Flux<T> visitStreams(String what, Function<WarmStream, Mono<T>> work) {
    return streams()
        .flatMapIterable(all -> all)
        .concatMap(stream -> work.apply(stream).onErrorResume(e -> {
          log.warn("{} {} failed: {}", what, stream.keys().prefix(), e.toString());
          return Mono.empty();
        }));
  }

  /** Every warm stream prefix, in a stable order: all shards read at once, then kept a moment. */
  public Mono<List<WarmStream>> streams() {
    Mono<List<WarmStream>> current = cached;
    if (current != null && System.nanoTime() - cachedUntil < 0) {
      return current;
    }
    Mono<List<WarmStream>> read = Flux.range(0, RedisKeys.WARM_SHARDS)
        .flatMap(shard -> redis.opsForSet().members(keys.warmActivities(shard)), RedisKeys.WARM_SHARDS)
        .collect(TreeSet<String>::new, Set::add)
        .map(this::parse)
        .cache(all -> cacheFor, e -> Duration.ZERO, () -> Duration.ZERO);
    cached = read;
    cachedUntil = System.nanoTime() + cacheFor.toNanos();
    return read;
  }

  private List<WarmStream> parse(Set<String> members) {
    Map<String, WarmStream> streams = new LinkedHashMap<>();
    for (String member : members) {
      try {
        streams.put(member, new WarmStream(RedisKeys.activityOf(member), keys.streamOf(member)));
      } catch (IllegalArgumentException e) {
        log.warn("ignoring unreadable warm-set member '{}'", member);
      }
    }
    return List.copyOf(streams.values());
  }

  private void drop() {
    cached = null;
  }

  private static String[] members(Collection<RedisKeys.ActivityKeys> streams) {
    return streams.stream().map(RedisKeys.ActivityKeys::tag).toArray(String[]::new);
  }
}
