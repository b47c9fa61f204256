package dev.flashgroup.engine.progress;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Sharding;
import dev.flashgroup.engine.shard.Shards;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Progress feeds of groups and activities, built from what the Lua scripts append to the activity
 * streams. One reader per activity per instance, started by the first subscriber and stopped (its
 * connection closed) when the last one leaves; its updates are fanned out in-process, off the
 * Redis client's threads. Each subscriber has a bounded buffer that drops its oldest updates when
 * the client does not keep up, so a slow or vanished client costs the others nothing.
 */
@Component
public class ProgressFeeds {

  private record Channel(ActivityProgressReader reader, Flux<ProgressUpdate> shared, AtomicInteger subscribers) {}

  private final ReactiveStringRedisTemplate redis;
  private final ReactiveRedisConnectionFactory connections;
  private final RedisKeys keys;
  private final Shards shards;
  private final DatabaseClient db;
  private final ProgressSettings settings;
  private final Map<ActivityId, Channel> channels = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicInteger openReaders = new AtomicInteger();

  ProgressFeeds(ReactiveStringRedisTemplate redis, ReactiveRedisConnectionFactory connections, RedisKeys keys,
      Shards shards, DatabaseClient db, ProgressSettings settings, MeterRegistry meters) {
    this.shards = shards;
    this.redis = redis;
    this.connections = connections;
    this.keys = keys;
    this.db = db;
    this.settings = settings;
    // Metric names stay as dashboards know them, like the settings' prefix.
    meters.gauge("flashgroup.live.subscribers", List.of(), channels,
        c -> c.values().stream().mapToInt(ch -> ch.subscribers().get()).sum());
    meters.more().counter("flashgroup.live.dropped", List.of(), dropped, AtomicLong::get);
  }

  /** A group's progress: a snapshot, then every change, oldest first; completes once it is settled. */
  public Flux<GroupProgress> group(String groupId) {
    return ActivityId.owning(groupId).map(activity -> watching(activity, channel -> {
      AtomicLong newest = new AtomicLong(-1);
      return updates(channel)
          .concatMap(update -> {
            if (update instanceof ProgressUpdate.Listening) {
              // Off the Redis client's event loop: a thousand subscribers arriving at once must
              // not keep it from reading replies.
              return snapshot(activity, groupId).publishOn(Schedulers.parallel());
            }
            if (update instanceof ProgressUpdate.GroupChanged changed && changed.group().groupId().equals(groupId)) {
              return Mono.just(changed.group());
            }
            return Mono.<GroupProgress>empty();
          })
          // A snapshot can be newer than a change read just before it; never go back.
          .filter(g -> g.version() > newest.get() && newest.getAndSet(g.version()) < g.version())
          .takeUntil(GroupProgress::settled);
    })).orElseGet(Flux::empty);
  }

  /** The group as Redis holds it now; empty for an unknown group. */
  public Mono<GroupProgress> snapshot(String groupId) {
    return ActivityId.owning(groupId).map(activity -> snapshot(activity, groupId)).orElseGet(Mono::empty);
  }

  /**
   * An activity's figures: a snapshot, then after every batch of changes. {@code scheduledStock}
   * stands for the remaining stock while the activity is not warm.
   */
  public Flux<ActivityProgress> activity(ActivityId activity, int scheduledStock) {
    return watching(activity, channel -> updates(channel).concatMap(update -> {
      if (update instanceof ProgressUpdate.Listening) {
        // A sharded activity's stock is its buckets' sum; a bucket not warm yet counts as not warm.
        return Flux.fromIterable(channel.reader().buckets())
            .concatMap(k -> redis.<String, String>opsForHash().multiGet(k.activity(), List.of("stock", "state")))
            .collectList()
            .map(all -> new ActivityProgress(activity.value(), all.stream().anyMatch(v -> v.get(0) == null)
                    ? scheduledStock : all.stream().mapToInt(v -> Integer.parseInt(v.get(0))).sum(),
                channel.reader().groupsFormed(), all.stream().anyMatch(v -> "CANCELLED".equals(v.get(1)))))
            .publishOn(Schedulers.parallel());
      }
      if (update instanceof ProgressUpdate.ActivityChanged changed) {
        return Mono.just(changed.activity());
      }
      return Mono.<ActivityProgress>empty();
    }));
  }

  /** Subscribers of an activity on this instance. */
  public int subscribers(ActivityId activity) {
    Channel channel = channels.get(activity);
    return channel == null ? 0 : channel.subscribers().get();
  }

  /** Whether this instance holds a reader (and its Redis connection) open for the activity. */
  public boolean reading(ActivityId activity) {
    Channel channel = channels.get(activity);
    return channel != null && channel.reader().connected();
  }

  /** Whether this instance keeps anything for the activity: only while it has a subscriber here. */
  public boolean watches(ActivityId activity) {
    return channels.containsKey(activity);
  }

  /** Redis connections held open by this instance's readers, whatever activity they read. */
  public int openReaders() {
    return openReaders.get();
  }

  /**
   * Runs {@code body} on the activity's channel for as long as the subscription lasts. The first
   * subscriber makes the channel, the last one to leave removes it, both under the map's lock for
   * that activity, so an instance keeps nothing for activities nobody watches any more.
   */
  private <T> Flux<T> watching(ActivityId activity, Function<Channel, Flux<T>> body) {
    return shards.of(activity)
        .flatMapMany(sharding -> Flux.using(() -> join(sharding), body, channel -> leave(activity, channel)));
  }

  private Channel join(Sharding sharding) {
    return channels.compute(sharding.activity(), (id, current) -> {
      Channel channel = current != null ? current : open(sharding);
      channel.subscribers().incrementAndGet();
      return channel;
    });
  }

  private void leave(ActivityId activity, Channel channel) {
    channels.computeIfPresent(activity,
        (id, current) -> current == channel && current.subscribers().decrementAndGet() == 0 ? null : current);
  }

  private Flux<ProgressUpdate> updates(Channel channel) {
    // The shared flux first, then the flag: a reader that was already listening is announced
    // here, one that starts listening later announces itself through the shared flux.
    return channel.shared()
        .mergeWith(Mono.fromCallable(() -> channel.reader().listening() ? ProgressUpdate.LISTENING : null))
        .onBackpressureBuffer(settings.subscriberBuffer(), update -> dropped.incrementAndGet(),
            BufferOverflowStrategy.DROP_OLDEST);
  }

  private Channel open(Sharding sharding) {
    var reader = new ActivityProgressReader(sharding.activity(), sharding.all(keys), connections, db, settings,
        openReaders);
    Flux<ProgressUpdate> shared = reader.read()
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)))
        // Fan out on a worker of its own, not on the Redis client's event loop. One hop per
        // activity, none per subscriber: leaving subscribers cancel no scheduled task.
        .publishOn(Schedulers.parallel())
        .publish()
        .refCount(1);
    return new Channel(reader, shared, new AtomicInteger());
  }

  private Mono<GroupProgress> snapshot(ActivityId activity, String groupId) {
    return shards.keysOf(activity, groupId).flatMap(k -> redis.<String, String>opsForHash()
        .multiGet(k.group(groupId), List.of("status", "size", "members", "paid", "deadline", "version")))
        .filter(v -> v.get(0) != null)
        .map(v -> GroupProgress.of(groupId, v.get(0), Integer.parseInt(v.get(1)), Integer.parseInt(v.get(2)),
            Integer.parseInt(v.get(3)), Long.parseLong(v.get(4)), Long.parseLong(v.get(5))));
  }
}
