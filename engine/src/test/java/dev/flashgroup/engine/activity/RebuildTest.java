package dev.flashgroup.engine.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.payment.PaymentConfirmation;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.pickup.PointDraft;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * Invariant 6 through the whole machinery (relay, workers, sweeper, warmer): an activity mid-sale
 * loses every Redis key; until it is rebuilt its reservations wait (UNAVAILABLE) and money for its
 * orders waits too; then it is rebuilt from MySQL exactly (stock, quotas, orders, groups and their
 * members, deadlines, the joinable list, point allocations), an order MySQL never got is gone and
 * its unit sells again, its late payment is refunded once, ids are never reused, and later sales,
 * expiries and settlements come out right. Time is the test's clock, moved by hand.
 */
@IsolatedServices
@SpringBootTest(classes = {TestEngineApplication.class, RebuildTest.Time.class})
@DirtiesContext
class RebuildTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration PAY_WINDOW = Duration.ofMinutes(5);

  /** A clock the test moves: the sweeper expires only when the test says time passed. */
  static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

    void pass(Duration time) {
      now.updateAndGet(t -> t.plus(time));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  /**
   * Not a @TestConfiguration: EngineConfiguration's component scan would pick that up for every
   * test context. A plain class named in @SpringBootTest is registered for this context only.
   */
  static class Time {
    @Bean
    @Primary
    MovableClock movableClock() {
      return new MovableClock();
    }
  }

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.activities.warm-interval", () -> "PT0.1S");
    registry.add("flashgroup.payment.sandbox-confirms", () -> "false");
    registry.add("flashgroup.rebuild.sequence-gap", () -> "100");
  }

  @Autowired MovableClock clock;
  @Autowired ActivityScheduling scheduling;
  @Autowired ActivityRebuild rebuild;
  @Autowired Reservations reservations;
  @Autowired PaymentNotifications notifications;
  @Autowired PickupPoints points;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired DatabaseClient db;

  @Test
  void anActivityLostMidSaleIsRebuiltFromMysqlAndSellsOnExactly() {
    Instant start = clock.instant();
    Activity activity = schedule(10, null);
    ActivityId id = activity.id();
    var k = keys.of(id);

    // dave's reservation expires (the unit is back), alice buys and pays, bob opens a group that
    // carol joins, bob pays; erin holds an unpaid unit; frank's order will never have reached MySQL.
    Reserved dave = reserve(reservations.buyAlone(id, "dave", null));
    clock.pass(PAY_WINDOW.plusSeconds(1));
    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(redisField(k.order(dave.orderId()), "status")));
    Reserved alice = reserve(reservations.buyAlone(id, "alice", null));
    assertThat(notifications.paid(alice.orderId(), "tx-alice", alice.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.PAID);
    Reserved bob = reserve(reservations.openGroup(id, "bob", null));
    Reserved carol = reserve(reservations.joinGroup(bob.groupId(), "carol", null));
    assertThat(notifications.paid(bob.orderId(), "tx-bob", bob.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.PAID);
    Reserved erin = reserve(reservations.buyAlone(id, "erin", null));
    Reserved frank = reserve(reservations.buyAlone(id, "frank", null));
    List<String> kept = List.of(dave.orderId(), alice.orderId(), bob.orderId(), carol.orderId(), erin.orderId());
    awaitMysqlHasEveryOrder(id, k, kept.size() + 1);
    Snapshot before = snapshot(k, kept, bob.groupId());
    assertThat(before.activity()).containsEntry("stock", "5");

    // Redis loses the activity; frank's order never reached MySQL. The lease held elsewhere keeps
    // the rebuild waiting, so the window is seen.
    db.sql("DELETE FROM orders WHERE id = :id").bind("id", frank.orderId()).then().block(PATIENCE);
    redis.opsForHash().put(k.rebuild(), "owner", "another-instance").block(PATIENCE);
    redis.expire(k.rebuild(), Duration.ofMinutes(5)).block(PATIENCE);
    loseEveryKey(id, k.rebuild());

    ReservationOutcome waiting = reservations.buyAlone(id, "grace", null).block(PATIENCE);
    assertThat(waiting).isInstanceOf(ReservationOutcome.Unavailable.class);
    assertThat(reservations.joinGroup(bob.groupId(), "grace", null).block(PATIENCE))
        .isInstanceOf(ReservationOutcome.Unavailable.class);
    assertThat(notifications.paid(carol.orderId(), "tx-carol", carol.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.NOT_FOUND);
    assertThat(notifications.paid(frank.orderId(), "tx-frank", frank.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.NOT_FOUND);
    assertThat(sandboxRefunds()).isEmpty();

    redis.delete(k.rebuild()).block(PATIENCE);
    await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(redis.hasKey(k.activity()).block(PATIENCE)));

    // Exactly what MySQL records, and frank's unit back on sale.
    Snapshot after = snapshot(k, kept, bob.groupId());
    assertThat(after.activity()).containsEntry("stock", "6").containsEntry("stock_total", "10");
    assertThat(after.orders()).isEqualTo(before.orders());
    assertThat(after.group()).isEqualTo(before.group());
    assertThat(after.members()).isEqualTo(before.members());
    assertThat(after.quota()).isEqualTo(withoutKey(before.quota(), "frank"));
    assertThat(after.payDue()).isEqualTo(withoutKey(before.payDue(), frank.orderId()));
    assertThat(after.groupDue()).isEqualTo(before.groupDue());
    assertThat(after.open()).isEqualTo(before.open());
    assertThat(redis.opsForSet().isMember(keys.warmActivities(id), id.toString()).block(PATIENCE)).isTrue();
    assertThat(redisField(k.order(frank.orderId()), "status")).isNull();

    // frank's money goes back once, however often it is reported; carol's now settles her order.
    for (int i = 0; i < 3; i++) {
      assertThat(notifications.paid(frank.orderId(), "tx-frank", frank.amount()).block(PATIENCE))
          .isEqualTo(PaymentConfirmation.REFUNDED_UNKNOWN_ORDER);
    }
    assertThat(sandboxRefunds()).containsOnly(Map.entry("RFtx-frank", Long.toString(frank.amount())));
    assertThat(notifications.paid(carol.orderId(), "tx-carol", carol.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.PAID);

    // Sales resume past every id ever handed out; grace completes bob's group.
    Reserved grace = reserve(reservations.joinGroup(bob.groupId(), "grace", null));
    assertThat(sequence(grace.orderId())).isGreaterThan(sequence(frank.orderId()));
    assertThat(notifications.paid(grace.orderId(), "tx-grace", grace.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.GROUP_SUCCEEDED);
    Reserved henry = reserve(reservations.buyAlone(id, "henry", null));
    assertThat(Set.of(grace.orderId(), henry.orderId())).doesNotContainAnyElementsOf(kept).doesNotContain(frank.orderId());

    // erin's and henry's time runs out: their units come back.
    clock.pass(PAY_WINDOW.plusSeconds(1));
    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(redisField(k.order(henry.orderId()), "status")));
    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(redisField(k.order(erin.orderId()), "status")));

    Map<String, String> expected = Map.of(dave.orderId(), "EXPIRED", alice.orderId(), "SUCCEEDED",
        bob.orderId(), "SUCCEEDED", carol.orderId(), "SUCCEEDED", erin.orderId(), "EXPIRED",
        grace.orderId(), "SUCCEEDED", henry.orderId(), "EXPIRED");
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(mysqlStatuses(id)).isEqualTo(new TreeMap<>(expected));
      assertThat(mysqlGroupStatus(bob.groupId())).isEqualTo("SUCCEEDED");
    });
    // Verifier-style: MySQL's held units plus Redis' stock make the stock total; Redis' quotas
    // are MySQL's held units per buyer.
    assertThat(redisField(k.activity(), "stock")).isEqualTo("6");
    assertThat(redis.<String, String>opsForHash().entries(k.quota()).collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .block(PATIENCE)).isEqualTo(Map.of("alice", "1", "bob", "1", "carol", "1", "grace", "1"));
    assertThat(clock.instant()).isAfter(start);
  }

  @Test
  void pickupAllocationsComeBackLessTheUnitsHeldAtEachPoint() {
    PickupPoint east = point("East");
    PickupPoint west = point("West");
    Activity activity = schedule(6, new Pickup(List.of(new Pickup.PointShare(east.id(), 4),
        new Pickup.PointShare(west.id(), 2)), null, false));
    ActivityId id = activity.id();
    var k = keys.of(id);
    reserve(reservations.buyAlone(id, "ann", null, east.id()));
    reserve(reservations.buyAlone(id, "ben", null, east.id()));
    reserve(reservations.buyAlone(id, "cat", null, west.id()));
    awaitMysqlHasEveryOrder(id, k, 3);
    Map<String, String> before = hash(k.activity());

    loseEveryKey(id);
    await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(redis.hasKey(k.activity()).block(PATIENCE)));

    Map<String, String> after = hash(k.activity());
    String eastField = RedisKeys.ActivityKeys.pointStockField(east.id());
    String westField = RedisKeys.ActivityKeys.pointStockField(west.id());
    assertThat(after).containsEntry(eastField, "2").containsEntry(westField, "1").containsEntry("stock", "3")
        .containsEntry(eastField, before.get(eastField)).containsEntry(westField, before.get(westField));
    assertThat(reservations.buyAlone(id, "dan", null, west.id()).block(PATIENCE)).isInstanceOf(Reserved.class);
    assertThat(reservations.buyAlone(id, "eve", null, west.id()).block(PATIENCE))
        .isEqualTo(new ReservationOutcome.Refused(dev.flashgroup.engine.reservation.Refusal.POINT_SOLD_OUT));
  }

  /** Several instances find the activity missing at once: one rebuilds it, the others leave it. */
  @Test
  void instancesFindingTheSameLostActivityRebuildItOnce() {
    Activity activity = schedule(5, null);
    var k = keys.of(activity.id());
    reserve(reservations.buyAlone(activity.id(), "ann", null));
    awaitMysqlHasEveryOrder(activity.id(), k, 1);
    loseEveryKey(activity.id());

    List<String> outcomes = Flux.range(0, 6).flatMap(i -> rebuild.rebuild(activity.id())).collectList()
        .block(PATIENCE);

    assertThat(outcomes.stream().filter("REBUILT"::equals).count()).isLessThanOrEqualTo(1);
    assertThat(outcomes).allMatch(o -> Set.of("REBUILT", "BUSY", "ALREADY_WARM").contains(o));
    await().atMost(PATIENCE).until(() -> "4".equals(redisField(k.activity(), "stock")));
    assertThat(redisField(k.activity(), "stock")).isEqualTo("4");
    assertThat(redis.hasKey(k.rebuild()).block(PATIENCE)).isFalse();
  }

  private record Snapshot(Map<String, String> activity, Map<String, Map<String, String>> orders,
      Map<String, String> group, Map<String, String> members, Map<String, String> quota, Map<String, Double> payDue,
      Map<String, Double> groupDue, Map<String, Double> open) {}

  /** What Redis holds that a rebuild must restore; fields MySQL does not record are left out. */
  private Snapshot snapshot(RedisKeys.ActivityKeys k, List<String> orderIds, String groupId) {
    Map<String, Map<String, String>> orders = new TreeMap<>();
    for (String orderId : orderIds) {
      Map<String, String> order = hash(k.order(orderId));
      order.remove("paid_at");
      orders.put(orderId, order);
    }
    Map<String, String> group = hash(k.group(groupId));
    group.remove("opened_at");
    Map<String, String> activity = hash(k.activity());
    activity.remove("seq");
    return new Snapshot(activity, orders, group, hash(k.groupMembers(groupId)), hash(k.quota()),
        zset(k.paymentDeadlines()), zset(k.groupDeadlines()), zset(k.openGroups()));
  }

  private void awaitMysqlHasEveryOrder(ActivityId id, RedisKeys.ActivityKeys k, int count) {
    await().atMost(PATIENCE).untilAsserted(() -> {
      Map<String, String> versions = db.sql("SELECT id, version FROM orders WHERE activity_id = :a")
          .bind("a", id.value()).map(r -> Map.entry(r.get("id", String.class), r.get("version", Integer.class).toString()))
          .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
      assertThat(versions).hasSize(count);
      versions.forEach((orderId, version) -> assertThat(redisField(k.order(orderId), "version")).isEqualTo(version));
      assertThat(redis.opsForStream().size(k.events()).block(PATIENCE)).isZero();
    });
  }

  /** Every key of the activity gone, and the activity off the warm set: Redis restarted empty. */
  private void loseEveryKey(ActivityId id, String... except) {
    var k = keys.of(id);
    List<String> all = redis.scan(ScanOptions.scanOptions().match(k.prefix() + "*").count(1_000).build())
        .filter(key -> !List.of(except).contains(key)).collectList().block(PATIENCE);
    redis.delete(all.toArray(String[]::new)).block(PATIENCE);
    redis.opsForSet().remove(keys.warmActivities(id), id.toString()).block(PATIENCE);
  }

  private Activity schedule(int stock, Pickup pickup) {
    Instant now = clock.instant();
    return scheduling.schedule("shop-1", new ActivityDraft("Chestnuts", Mode.STANDARD, 3, 100L, 200L, stock, 2,
        now.minusSeconds(1), now.plus(Duration.ofHours(2)), Duration.ofHours(1), PAY_WINDOW, List.of(), 0, pickup))
        .block(PATIENCE);
  }

  private PickupPoint point(String name) {
    return points.create(new PointDraft(name, "1 Jiefang Road", "LOCKER", new BigDecimal("24.8108"),
        new BigDecimal("113.5975"), "0751-1234567", "08:00", "20:00", "Asia/Shanghai")).block(PATIENCE);
  }

  private static Reserved reserve(reactor.core.publisher.Mono<ReservationOutcome> reservation) {
    ReservationOutcome outcome = reservation.block(PATIENCE);
    assertThat(outcome).isInstanceOf(Reserved.class);
    return (Reserved) outcome;
  }

  private static long sequence(String childId) {
    return Long.parseLong(childId.substring(childId.indexOf('-') + 1));
  }

  private static <V> Map<String, V> withoutKey(Map<String, V> map, String key) {
    Map<String, V> copy = new HashMap<>(map);
    copy.remove(key);
    return copy;
  }

  private String redisField(String key, String field) {
    return redis.<String, String>opsForHash().get(key, field).block(PATIENCE);
  }

  private Map<String, String> hash(String key) {
    return new TreeMap<>(redis.<String, String>opsForHash().entries(key)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE));
  }

  private Map<String, Double> zset(String key) {
    return redis.opsForZSet().rangeWithScores(key, Range.closed(0L, -1L))
        .collectMap(t -> t.getValue(), t -> t.getScore()).block(PATIENCE);
  }

  private Map<String, String> sandboxRefunds() {
    return hash(keys.sandboxRefunds());
  }

  private Map<String, String> mysqlStatuses(ActivityId id) {
    return db.sql("SELECT id, status FROM orders WHERE activity_id = :a").bind("a", id.value())
        .map(r -> Map.entry(r.get("id", String.class), r.get("status", String.class))).all()
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new)).block(PATIENCE);
  }

  private String mysqlGroupStatus(String groupId) {
    return db.sql("SELECT status FROM purchase_groups WHERE id = :id").bind("id", groupId)
        .map(r -> r.get("status", String.class)).one().block(PATIENCE);
  }
}
