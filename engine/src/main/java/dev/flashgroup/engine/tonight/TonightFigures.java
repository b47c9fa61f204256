package dev.flashgroup.engine.tonight;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.messaging.WorkBacklog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The operator console's figures for tonight. Cheap enough to ask during the spike: the answer is
 * shared for {@link #FRESH} whoever asks; it reads meters this instance already keeps, the warm
 * sets ({@link WarmActivities#streams()}, no key scan) and each live activity's hash (HGETALL; a
 * sharded activity's buckets, added up), one
 * indexed MySQL count for groups formed, and one passive queue declare per work queue.
 */
@Service
public class TonightFigures {

  private static final Logger log = LoggerFactory.getLogger(TonightFigures.class);

  /** How long one answer serves every caller. */
  static final Duration FRESH = Duration.ofSeconds(1);
  /** Most activities shown; the live ones with the lowest ids. */
  static final int MAX_ACTIVITIES = 50;

  private final ReactiveStringRedisTemplate redis;
  private final WarmActivities warm;
  private final DatabaseClient db;
  private final WorkBacklog backlog;
  private final MeterRegistry meters;
  private final Clock clock;
  private final ReservationRate rate;
  private final Mono<Tonight> shared;

  TonightFigures(ReactiveStringRedisTemplate redis, WarmActivities warm, DatabaseClient db, WorkBacklog backlog,
      MeterRegistry meters, Clock clock) {
    this.redis = redis;
    this.warm = warm;
    this.db = db;
    this.backlog = backlog;
    this.meters = meters;
    this.clock = clock;
    this.rate = new ReservationRate(meters, clock);
    this.shared = Mono.defer(this::gather).cache(value -> FRESH, error -> Duration.ZERO, () -> Duration.ZERO);
  }

  /** The figures as of at most {@link #FRESH} ago. */
  public Mono<Tonight> now() {
    rate.start();
    return shared;
  }

  @PreDestroy
  void stop() {
    rate.stop();
  }

  private Mono<Tonight> gather() {
    long now = clock.millis();
    Mono<Long> waiting = backlog.waiting().timeout(Duration.ofSeconds(2)).map(Optional::of)
        .onErrorResume(e -> {
          log.debug("worker backlog unknown: {}", e.toString());
          return Mono.just(Optional.empty());
        }).map(o -> o.orElse(-1L));
    return Mono.zip(liveActivities(now), waiting)
        .map(t -> new Tonight(clock.instant(), rate.perSecond(), relayLag(), t.getT2() < 0 ? null : t.getT2(),
            t.getT1()));
  }

  private Long relayLag() {
    Gauge lag = meters.find("flashgroup.relay.lag").gauge();
    return lag == null ? null : (long) lag.value();
  }

  /** Each warm activity once, lowest ids first; a sharded one's buckets read and added up. */
  private Mono<List<Tonight.LiveActivity>> liveActivities(long now) {
    return warm.streams()
        .flatMapIterable(streams -> streams.stream().collect(Collectors.groupingBy(s -> s.activity().value(),
            TreeMap::new, Collectors.mapping(WarmActivities.WarmStream::keys, Collectors.toList()))).entrySet())
        .flatMapSequential(activity -> Flux.fromIterable(activity.getValue())
            .flatMapSequential(k -> redis.<String, String>opsForHash().entries(k.activity())
                .collectMap(Map.Entry::getKey, Map.Entry::getValue))
            .collectList()
            .flatMap(hashes -> Mono.justOrEmpty(live(activity.getKey(), hashes, now))), 8)
        .take(MAX_ACTIVITIES)
        .collectList()
        .flatMap(this::withGroupsFormed);
  }

  /**
   * The activity as the console shows it, when it is on sale or about to be (warm, not ended): its
   * hash, or each of its buckets' (stock and each point's share summed).
   */
  private static Optional<Tonight.LiveActivity> live(long id, List<Map<String, String>> hashes, long now) {
    long stock = 0;
    Map<Long, Long> points = new TreeMap<>();
    for (Map<String, String> hash : hashes) {
      String endsAt = hash.get("ends_at");
      if (hash.get("stock") == null || endsAt == null || Long.parseLong(endsAt) <= now
          || "CANCELLED".equals(hash.get("state"))) {
        return Optional.empty();
      }
      stock += Long.parseLong(hash.get("stock"));
      hash.forEach((field, value) -> {
        if (field.startsWith(RedisKeys.ActivityKeys.POINT_STOCK_PREFIX)) {
          points.merge(Long.parseLong(field.substring(RedisKeys.ActivityKeys.POINT_STOCK_PREFIX.length())),
              Long.parseLong(value), Long::sum);
        }
      });
    }
    if (hashes.isEmpty()) {
      return Optional.empty();
    }
    List<Tonight.PointStock> shares = points.entrySet().stream()
        .map(e -> new Tonight.PointStock(e.getKey(), e.getValue())).toList();
    return Optional.of(new Tonight.LiveActivity(id, hashes.get(0).getOrDefault("title", ""), stock, 0, shares));
  }

  private Mono<List<Tonight.LiveActivity>> withGroupsFormed(List<Tonight.LiveActivity> activities) {
    if (activities.isEmpty()) {
      return Mono.just(activities);
    }
    // ix_groups_activity (activity_id, status) answers it.
    return db.sql("SELECT activity_id, COUNT(*) AS n FROM purchase_groups WHERE status = 'SUCCEEDED'"
            + " AND activity_id IN (:ids) GROUP BY activity_id")
        .bind("ids", activities.stream().map(Tonight.LiveActivity::id).toList())
        .map(row -> Map.entry(row.get("activity_id", Long.class), row.get("n", Long.class)))
        .all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .map(formed -> activities.stream().map(a -> new Tonight.LiveActivity(a.id(), a.title(), a.remaining(),
            formed.getOrDefault(a.id(), 0L), a.points())).toList());
  }

  /**
   * Successful reservations per second on this instance, from the {@code flashgroup.reservations}
   * counter (outcome RESERVED), sampled once a second from the first time the console asks.
   */
  static final class ReservationRate {

    private final MeterRegistry meters;
    private final Clock clock;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Disposable ticker;
    private volatile double lastCount = -1;
    private volatile long lastAt;
    private volatile double perSecond;

    ReservationRate(MeterRegistry meters, Clock clock) {
      this.meters = meters;
      this.clock = clock;
    }

    void start() {
      if (started.compareAndSet(false, true)) {
        sample();
        ticker = Flux.interval(Duration.ofSeconds(1), Schedulers.parallel()).subscribe(tick -> sample());
      }
    }

    void stop() {
      Disposable running = ticker;
      if (running != null) {
        running.dispose();
      }
    }

    double perSecond() {
      return perSecond;
    }

    void sample() {
      double count = meters.find("flashgroup.reservations").tag("outcome", "RESERVED").counters().stream()
          .mapToDouble(Counter::count).sum();
      long at = clock.millis();
      if (lastCount >= 0 && at > lastAt) {
        perSecond = Math.max(0, (count - lastCount) * 1000.0 / (at - lastAt));
      }
      lastCount = count;
      lastAt = at;
    }
  }
}
