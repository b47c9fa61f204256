package dev.flashgroup.engine.tonight;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.messaging.WorkBacklog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * set ({@code <ns>:live}, SMEMBERS, no key scan) and each live activity's hash (HGETALL), one
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
  private final RedisKeys keys;
  private final WarmActivities warm;
  private final DatabaseClient db;
  private final WorkBacklog backlog;
  private final MeterRegistry meters;
  private final Clock clock;
  private final ReservationRate rate;
  private final Mono<Tonight> shared;

  TonightFigures(ReactiveStringRedisTemplate redis, RedisKeys keys, WarmActivities warm, DatabaseClient db,
      WorkBacklog backlog, MeterRegistry meters, Clock clock) {
    this.redis = redis;
    this.keys = keys;
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

  private Mono<List<Tonight.LiveActivity>> liveActivities(long now) {
    // The warm sets (read at once and kept a moment by WarmActivities), each activity once; a sharded
    // activity's buckets carry no activity-level hash and are not shown here.
    return warm.streams()
        .flatMapIterable(streams -> streams.stream().map(s -> s.activity().value()).distinct().sorted().toList())
        .flatMapSequential(id -> redis.<String, String>opsForHash().entries(keys.of(new ActivityId(id)).activity())
            .collectMap(Map.Entry::getKey, Map.Entry::getValue)
            .flatMap(hash -> Mono.justOrEmpty(live(id, hash, now))), 8)
        .take(MAX_ACTIVITIES)
        .collectList()
        .flatMap(this::withGroupsFormed);
  }

  /** The activity as the console shows it, when it is on sale or about to be (warm, not ended). */
  private static Optional<Tonight.LiveActivity> live(long id, Map<String, String> hash, long now) {
    String endsAt = hash.get("ends_at");
    if (hash.get("stock") == null || endsAt == null || Long.parseLong(endsAt) <= now || "CANCELLED".equals(hash.get("state"))) {
      return Optional.empty();
    }
    List<Tonight.PointStock> points = new ArrayList<>();
    hash.forEach((field, value) -> {
      if (field.startsWith(RedisKeys.ActivityKeys.POINT_STOCK_PREFIX)) {
        points.add(new Tonight.PointStock(Long.parseLong(field.substring(RedisKeys.ActivityKeys.POINT_STOCK_PREFIX.length())),
            Long.parseLong(value)));
      }
    });
    points.sort(Comparator.comparingLong(Tonight.PointStock::pointId));
    return Optional.of(new Tonight.LiveActivity(id, hash.getOrDefault("title", ""), Long.parseLong(hash.get("stock")), 0,
        List.copyOf(points)));
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
