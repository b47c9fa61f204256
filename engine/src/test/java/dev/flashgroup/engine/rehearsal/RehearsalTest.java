package dev.flashgroup.engine.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.KeySettings;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Flux;

/**
 * The opening rehearsal runs the real scripts through the real code, and leaves nothing behind: no
 * key in Redis (the scratch namespace is gone, the real keys are as they were), no row in MySQL, no
 * message through the broker (the workers would have written it to MySQL), no count in the
 * reservation metrics, no sold-out knowledge; and it comes again before an opening.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class, properties = {
    "flashgroup.rehearsal.enabled=true", "flashgroup.rehearsal.rounds=300", "flashgroup.rehearsal.ahead=PT1M",
    "flashgroup.rehearsal.look-interval=PT0.2S", "flashgroup.rehearsal.opening-budget=PT1S"})
@DirtiesContext
class RehearsalTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired OpeningRehearsal rehearsal;
  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired KeySettings keySettings;
  @Autowired DatabaseClient db;
  @Autowired MeterRegistry meters;

  @Test
  void leavesNothingBehindInRedisMysqlTheBrokerOrTheMetrics() {
    Activity real = schedule(Instant.now().minusSeconds(1));
    String order = ((ReservationOutcome.Reserved) reservations.buyAlone(real.id(), "alice", null).block(WAIT)).orderId();
    await().atMost(WAIT).until(() -> count("SELECT COUNT(*) AS n FROM orders WHERE id = '" + order + "'") == 1);
    Map<String, Long> rows = quietRows();
    Set<String> keysBefore = realKeys();
    Map<Object, Object> activityBefore = activityHash(real);
    double counted = reservationsCounted();

    OpeningRehearsal.Rehearsed done = rehearsal.rehearse("test", Duration.ofSeconds(25)).block(WAIT.multipliedBy(2));

    // 300 rounds of 12 calls: every one was made, and what they wrote is deleted.
    assertThat(done.calls()).isEqualTo(300 * 12);
    assertThat(done.keysDeleted()).isGreaterThan(300);
    assertThat(scan(keySettings.namespace() + ":rehearsal:*")).isEmpty();
    assertThat(realKeys()).isSubsetOf(keysBefore);
    assertThat(activityHash(real)).isEqualTo(activityBefore);
    assertThat(reservationsCounted()).isEqualTo(counted);
    // The relay and the workers had every chance to carry a scratch event to MySQL: none arrives.
    await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> rows().equals(rows));
    assertThat(count("SELECT COUNT(*) AS n FROM orders WHERE buyer_id LIKE 'rehearsal-%'")).isZero();
  }

  @Test
  void rehearsesOnceBeforeAnOpening() {
    double before = rehearsalsRun();
    schedule(Instant.now().plusSeconds(30));
    await().atMost(WAIT).until(() -> rehearsalsRun() == before + 1);
    // The same opening is not rehearsed twice.
    await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> rehearsalsRun() == before + 1);
  }

  private Activity schedule(Instant startsAt) {
    return scheduling.schedule("shop-1", new ActivityDraft("Pears", Mode.STANDARD, 2, 100L, 200L, 10, 5, startsAt,
        startsAt.plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1))).block(WAIT);
  }

  private double rehearsalsRun() {
    Counter runs = meters.find("flashgroup.rehearsals").counter();
    return runs == null ? 0 : runs.count();
  }

  private double reservationsCounted() {
    return meters.find("flashgroup.reservations").counters().stream().mapToDouble(Counter::count).sum();
  }

  private Set<String> realKeys() {
    return scan(keySettings.namespace() + ":*").stream()
        .filter(key -> !key.startsWith(keySettings.namespace() + ":rehearsal:"))
        // The buyer's attempt counter lives a second; it may lapse meanwhile, but none may appear.
        .collect(Collectors.toSet());
  }

  private Set<String> scan(String pattern) {
    return redis.scan(ScanOptions.scanOptions().match(pattern).count(1000).build()).collect(Collectors.toSet())
        .block(WAIT);
  }

  private Map<Object, Object> activityHash(Activity activity) {
    return redis.opsForHash().entries(keys.of(activity.id()).activity())
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
  }

  /** {@link #rows()} once they stayed the same for a second: the real reservation's writes are all in. */
  private Map<String, Long> quietRows() {
    AtomicReference<Map<String, Long>> last = new AtomicReference<>(rows());
    await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> {
      Map<String, Long> now = rows();
      return now.equals(last.getAndSet(now));
    });
    return last.get();
  }

  /** Rows of every table of the test's database. */
  private Map<String, Long> rows() {
    return db.sql("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()")
        .map(row -> row.get("name", String.class)).all()
        .filter(table -> !table.startsWith("flyway"))
        .concatMap(table -> Flux.from(db.sql("SELECT COUNT(*) AS n FROM `" + table + "`")
            .map(row -> Map.entry(table, row.get("n", Long.class))).one()))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
        .map(m -> (Map<String, Long>) m)
        .block(WAIT);
  }

  private long count(String sql) {
    return db.sql(sql).map(row -> row.get("n", Long.class)).one().block(WAIT);
  }
}
