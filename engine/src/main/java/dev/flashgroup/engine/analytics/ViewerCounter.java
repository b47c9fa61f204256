package dev.flashgroup.engine.analytics;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.kernel.ActivityId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Unique viewers of activity pages, in Redis HyperLogLogs: per activity, per activity and day, and
 * per day. A view costs the request no round trip: {@link #viewed} puts it in a bounded lock-free
 * buffer (a view that finds it full is dropped and counted in {@code flashgroup.analytics.viewers.dropped}),
 * and every {@code flashgroup.analytics.viewer-flush} the buffer goes out as one {@code PFADD} per key
 * with all its viewers (and an {@code EXPIRE}), pipelined on the shared connection. A flush that
 * fails is logged and its views lost: the figure is an estimate already.
 */
@Component
public class ViewerCounter implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ViewerCounter.class);
  /** Longest viewer id kept (token subjects are shorter). */
  static final int MAX_VIEWER = 64;

  private record View(long activity, String viewer, LocalDate day) {}

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final AnalyticsSettings settings;
  private final Clock clock;
  private final ConcurrentLinkedQueue<View> buffer = new ConcurrentLinkedQueue<>();
  private final AtomicInteger buffered = new AtomicInteger();
  private final Counter dropped;
  private final Counter flushed;
  private volatile Disposable running;

  ViewerCounter(ReactiveStringRedisTemplate redis, RedisKeys keys, AnalyticsSettings settings, Clock clock,
      MeterRegistry meters) {
    this.redis = redis;
    this.keys = keys;
    this.settings = settings;
    this.clock = clock;
    this.dropped = Counter.builder("flashgroup.analytics.viewers.dropped")
        .description("Activity views dropped because the viewer buffer was full").register(meters);
    this.flushed = Counter.builder("flashgroup.analytics.viewers.flushed")
        .description("Activity views written to the viewers' HyperLogLogs").register(meters);
    Gauge.builder("flashgroup.analytics.viewers.buffered", buffered, AtomicInteger::get)
        .description("Activity views waiting for the next flush").register(meters);
  }

  /** A viewer saw the activity's page: buffered, never waits. */
  public void viewed(ActivityId activity, String viewer) {
    if (viewer == null || viewer.isEmpty()) {
      return;
    }
    if (buffered.incrementAndGet() > settings.viewerBuffer()) {
      buffered.decrementAndGet();
      dropped.increment();
      return;
    }
    String id = viewer.length() > MAX_VIEWER ? viewer.substring(0, MAX_VIEWER) : viewer;
    buffer.offer(new View(activity.value(), id, LocalDate.now(clock.withZone(settings.zone()))));
  }

  /** Writes what the buffer holds now. */
  public Mono<Void> flush() {
    return Mono.defer(() -> {
      Map<String, Set<String>> byKey = new HashMap<>();
      int taken = 0;
      View v;
      while ((v = buffer.poll()) != null) {
        buffered.decrementAndGet();
        taken++;
        RedisKeys.ActivityKeys k = keys.of(new ActivityId(v.activity()));
        byKey.computeIfAbsent(k.viewers(), x -> new HashSet<>()).add(v.viewer());
        byKey.computeIfAbsent(k.viewers(v.day()), x -> new HashSet<>()).add(v.viewer());
        byKey.computeIfAbsent(keys.viewers(v.day()), x -> new HashSet<>()).add(v.viewer());
      }
      if (taken == 0) {
        return Mono.empty();
      }
      int views = taken;
      Duration ttl = settings.viewerRetention();
      List<Mono<?>> writes = new ArrayList<>(byKey.size() * 2);
      byKey.forEach((key, viewers) -> {
        writes.add(redis.opsForHyperLogLog().add(key, viewers.toArray(String[]::new)));
        writes.add(redis.expire(key, ttl));
      });
      return Mono.when(writes).doOnSuccess(done -> flushed.increment(views))
          .onErrorResume(e -> {
            log.warn("Lost {} activity views: {}", views, e.toString());
            return Mono.empty();
          });
    });
  }

  /** Unique viewers of the activity since its first view. */
  public Mono<Long> viewers(ActivityId activity) {
    return redis.opsForHyperLogLog().size(keys.of(activity).viewers());
  }

  /** Unique viewers of each activity on the day (one PFCOUNT each, pipelined). */
  public Mono<Map<Long, Long>> viewers(Collection<Long> activities, LocalDate day) {
    return Flux.fromIterable(activities)
        .flatMap(id -> redis.opsForHyperLogLog().size(keys.of(new ActivityId(id)).viewers(day)).map(n -> Map.entry(id, n)))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue);
  }

  /** Unique viewers of any activity on the day. */
  public Mono<Long> viewers(LocalDate day) {
    return redis.opsForHyperLogLog().size(keys.viewers(day));
  }

  @Override
  public void start() {
    running = Flux.interval(settings.viewerFlush())
        .onBackpressureDrop()
        .concatMap(tick -> flush(), 1)
        .subscribe(done -> { }, e -> log.error("The viewer flush stopped", e));
  }

  @Override
  public void stop() {
    Disposable d = running;
    if (d != null) {
      d.dispose();
    }
    // What the buffer still holds goes out as the instance stops (best effort: nothing waits for it).
    flush().subscribe();
  }

  @Override
  public boolean isRunning() {
    Disposable d = running;
    return d != null && !d.isDisposed();
  }
}
