package dev.flashgroup.engine.pickup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.fulfilment.Verification;
import dev.flashgroup.engine.fulfilment.Verifications;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.order.Orders;
import dev.flashgroup.engine.payment.PaymentOutcome;
import dev.flashgroup.engine.payment.Payments;
import dev.flashgroup.engine.reservation.Refusal;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * Invariants 6 and 7 across a rebuild, through the whole machinery (scripts, relay, projector,
 * reminder worker, warmer): an activity whose orders are in every pickup state (collectable with a
 * reminder already sent, collectable with none yet, rolled over once, OVERDUE, PICKED_UP) loses
 * every Redis key and is rebuilt from MySQL; then, with time passed to the sweeper, roll-over,
 * OVERDUE and reminders come out exactly as without the loss (no reminder twice, none lost), each
 * collectable order is handed out once, and each point's stock is exact. The pickup sweeper is the
 * test's: each sweep is told its time, and the buyers who pay late are swept at an earlier instant
 * than the first ones (the scripts compare only the times they are given), so one activity holds
 * every state at once.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class RebuildPickupTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final long HOUR = Duration.ofHours(1).toMillis();

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.pickup.sweeper-enabled", () -> "false");
    registry.add("flashgroup.activities.warm-interval", () -> "PT0.1S");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired Payments payments;
  @Autowired Orders orders;
  @Autowired PickupPoints points;
  @Autowired PickupCodes codes;
  @Autowired Verifications verifications;
  @Autowired PickupSweeper sweeper;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  @Test
  void pickupTimersAndHandOutsComeOutAsWithoutTheLoss() {
    long east = point("East", "08:00", "21:00");
    long west = point("West", "08:00", "21:00");
    Instant now = Instant.now();
    long from = now.plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS).toEpochMilli();
    long to = from + 2 * HOUR;
    Activity activity = schedule(new Pickup(List.of(new Pickup.PointShare(east, 6), new Pickup.PointShare(west, 4)),
        new Pickup.Window(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)), true));
    ActivityId id = activity.id();
    var k = keys.of(id);

    // olga rolls over, then goes OVERDUE; rita is rolled over once; sam had his start reminder,
    // tom (who paid last) none yet; pia is handed out.
    String olga = buy(id, "olga", east);
    assertThat(sweeper.sweep(id, to).block(PATIENCE)).isEqualTo(new PickupSweeper.Swept(2, 1, 0));
    String rita = buy(id, "rita", east);
    assertThat(sweeper.sweep(id, to + DAY).block(PATIENCE)).isEqualTo(new PickupSweeper.Swept(4, 1, 1));
    String sam = buy(id, "sam", east);
    String pia = buy(id, "pia", west);
    assertThat(verify(west, pia)).isInstanceOf(Verification.PickedUp.class);
    assertThat(sweeper.sweep(id, from).block(PATIENCE)).isEqualTo(new PickupSweeper.Swept(1, 0, 0));
    String tom = buy(id, "tom", west);
    List<String> all = List.of(olga, rita, sam, tom, pia);
    String eastStaff = "staff-" + east;
    String westStaff = "staff-" + west;
    List<String> sentBefore = List.of(
        olga + " olga:0:WINDOW_START", olga + " olga:0:WINDOW_ENDING", olga + " olga:1:WINDOW_START",
        olga + " olga:1:WINDOW_ENDING", rita + " rita:0:WINDOW_START", rita + " rita:0:WINDOW_ENDING",
        sam + " sam:0:WINDOW_START");
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(sent(all)).containsExactlyInAnyOrderElementsOf(
        withStaff(sentBefore, eastStaff)));
    awaitMysqlHasEveryOrder(k, all);
    Map<String, String> activityBefore = withoutSeq(hash(k.activity()));
    Map<String, Map<String, String>> ordersBefore = orderHashes(k, all);
    assertThat(zset(k.pickupDeadlines())).containsOnlyKeys(rita, sam, tom, pia);
    assertThat(zset(k.pickupReminders())).containsOnlyKeys(rita + ":1:WINDOW_START", rita + ":1:WINDOW_ENDING",
        sam + ":0:WINDOW_ENDING", tom + ":0:WINDOW_START", tom + ":0:WINDOW_ENDING", pia + ":0:WINDOW_ENDING");

    loseEveryKey(id);
    await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(redis.hasKey(k.activity()).block(PATIENCE)));

    // Exactly what Redis held, less the timers of orders no longer collectable (the sweeper would
    // only have dropped them); the activity's pickup terms as warming wrote them.
    assertThat(withoutSeq(hash(k.activity()))).isEqualTo(activityBefore)
        .containsEntry("perishable", "1").containsEntry("pickup_from", Long.toString(from))
        .containsEntry(RedisKeys.ActivityKeys.pointStockField(east), "3")
        .containsEntry(RedisKeys.ActivityKeys.pointStockField(west), "2").containsEntry("stock", "5");
    assertThat(orderHashes(k, all)).isEqualTo(ordersBefore);
    assertThat(zset(k.pickupDeadlines())).isEqualTo(Map.of(rita, (double) (to + DAY), sam, (double) to,
        tom, (double) to));
    assertThat(zset(k.pickupReminders())).isEqualTo(Map.of(rita + ":1:WINDOW_START", (double) (from + DAY),
        rita + ":1:WINDOW_ENDING", (double) (to + DAY - HOUR), sam + ":0:WINDOW_ENDING", (double) (to - HOUR),
        tom + ":0:WINDOW_START", (double) from, tom + ":0:WINDOW_ENDING", (double) (to - HOUR)));

    // Time goes on as it would have: the first window ends, tom is handed out (two scans at once,
    // one hand-out), the second window ends, olga collects late.
    assertThat(verify(west, pia)).isInstanceOf(Verification.AlreadyPickedUp.class);
    assertThat(sweeper.sweep(id, to).block(PATIENCE)).isEqualTo(new PickupSweeper.Swept(3, 2, 0));
    List<Verification> scans = Flux.range(0, 2).flatMap(i -> verifications.verify(west, westStaff, code(tom)))
        .collectList().block(PATIENCE);
    assertThat(scans).filteredOn(v -> v instanceof Verification.PickedUp).hasSize(1);
    assertThat(scans).filteredOn(v -> v instanceof Verification.AlreadyPickedUp).hasSize(1);
    assertThat(sweeper.sweep(id, to + DAY).block(PATIENCE)).isEqualTo(new PickupSweeper.Swept(4, 0, 2));
    assertThat(verify(east, olga)).isInstanceOf(Verification.PickedUp.class);
    assertThat(verify(east, olga)).isInstanceOf(Verification.AlreadyPickedUp.class);

    List<String> sentAfter = new ArrayList<>(withStaff(sentBefore, eastStaff));
    sentAfter.addAll(withStaff(List.of(rita + " rita:1:WINDOW_START", rita + " rita:1:WINDOW_ENDING",
        sam + " sam:0:WINDOW_ENDING", sam + " sam:1:WINDOW_START", sam + " sam:1:WINDOW_ENDING"), eastStaff));
    sentAfter.addAll(withStaff(List.of(tom + " tom:0:WINDOW_START", tom + " tom:0:WINDOW_ENDING"), westStaff));
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(sent(all)).containsExactlyInAnyOrderElementsOf(sentAfter);
      assertThat(mysqlStatuses(all)).isEqualTo(new TreeMap<>(Map.of(olga, "PICKED_UP", rita, "OVERDUE",
          sam, "OVERDUE", tom, "PICKED_UP", pia, "PICKED_UP")));
    });
    assertThat(zset(k.pickupDeadlines())).isEmpty();
    // Every unit is still held at its point: two left at west, then that point is sold out.
    assertThat(hash(k.activity())).containsEntry(RedisKeys.ActivityKeys.pointStockField(east), "3")
        .containsEntry(RedisKeys.ActivityKeys.pointStockField(west), "2").containsEntry("stock", "5");
    assertThat(reservations.buyAlone(id, "una", null, west).block(PATIENCE)).isInstanceOf(Reserved.class);
    assertThat(reservations.buyAlone(id, "vic", null, west).block(PATIENCE)).isInstanceOf(Reserved.class);
    assertThat(reservations.buyAlone(id, "wan", null, west).block(PATIENCE))
        .isEqualTo(new ReservationOutcome.Refused(Refusal.POINT_SOLD_OUT));
  }

  @Test
  void perPointWindowsAndAClosedPointComeBackAsWarmingWroteThem() {
    long east = point("East", "08:00", "12:00");
    long west = point("West", "14:00", "20:00");
    Activity activity = schedule(new Pickup(List.of(new Pickup.PointShare(east, 5), new Pickup.PointShare(west, 5)),
        null, false));
    var k = keys.of(activity.id());
    await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(redis.hasKey(k.activity()).block(PATIENCE)));
    points.deactivate(west).block(PATIENCE);
    Map<String, String> before = withoutSeq(hash(k.activity()));
    assertThat(before).containsKeys(RedisKeys.ActivityKeys.pointWindowField(east),
        RedisKeys.ActivityKeys.pointWindowField(west), RedisKeys.ActivityKeys.pointClosedField(west), "perishable");

    loseEveryKey(activity.id());
    await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(redis.hasKey(k.activity()).block(PATIENCE)));

    assertThat(withoutSeq(hash(k.activity()))).isEqualTo(before);
    assertThat(reservations.buyAlone(activity.id(), "ann", null, west).block(PATIENCE))
        .isEqualTo(new ReservationOutcome.Refused(Refusal.PICKUP_POINT_CLOSED));
  }

  private Activity schedule(Pickup pickup) {
    Instant now = Instant.now();
    return scheduling.schedule("shop-1", new ActivityDraft("Mandarins", Mode.STANDARD, 2, 100L, 200L, 10, 1,
        now.minusSeconds(1), now.plusSeconds(3600), Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(), 0,
        pickup)).block(PATIENCE);
  }

  private long point(String name, String opens, String closes) {
    long id = points.create(new PointDraft(name, "浈江区东门路 1 号", "CONVENIENCE_STORE", new BigDecimal("24.8"),
        new BigDecimal("113.6"), "0751-1234567", opens, closes, "Asia/Shanghai")).block(PATIENCE).id();
    points.bindStaff(id, "staff-" + id).block(PATIENCE);
    return id;
  }

  /** A paid solo order at the point, once SUCCEEDED (collectable). */
  private String buy(ActivityId activity, String buyer, long point) {
    String orderId = reservations.buyAlone(activity, buyer, null, point).cast(Reserved.class)
        .flatMap(r -> payments.start(r.orderId(), buyer).ofType(PaymentOutcome.Started.class).thenReturn(r.orderId()))
        .block(PATIENCE);
    await().atMost(PATIENCE).until(() -> {
      OrderView order = orders.live(orderId).block(PATIENCE);
      return order != null && order.status() == OrderStatus.SUCCEEDED;
    });
    return orderId;
  }

  private String code(String orderId) {
    long point = orders.live(orderId).block(PATIENCE).pointId();
    return codes.issue(orderId, ActivityId.owning(orderId).orElseThrow().value(), point).block(PATIENCE).code();
  }

  private Verification verify(long point, String orderId) {
    return verifications.verify(point, "staff-" + point, code(orderId)).block(PATIENCE);
  }

  private static List<String> withStaff(List<String> buyerReminders, String staff) {
    List<String> all = new ArrayList<>(buyerReminders);
    for (String reminder : buyerReminders) {
      String order = reminder.substring(0, reminder.indexOf(' '));
      all.add(order + " " + staff + reminder.substring(reminder.indexOf(':')));
    }
    return all;
  }

  private List<String> sent(List<String> orderIds) {
    return SentReminders.of(db, orderIds);
  }

  private void awaitMysqlHasEveryOrder(RedisKeys.ActivityKeys k, List<String> orderIds) {
    await().atMost(PATIENCE).untilAsserted(() -> {
      Map<String, String> versions = db.sql("SELECT id, version FROM orders WHERE id IN (:ids)")
          .bind("ids", orderIds)
          .map(r -> Map.entry(r.get("id", String.class), r.get("version", Integer.class).toString()))
          .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
      assertThat(versions).hasSize(orderIds.size());
      versions.forEach((orderId, version) -> assertThat(hash(k.order(orderId))).containsEntry("version", version));
      assertThat(redis.opsForStream().size(k.events()).block(PATIENCE)).isZero();
    });
  }

  private Map<String, String> mysqlStatuses(List<String> orderIds) {
    return db.sql("SELECT id, status FROM orders WHERE id IN (:ids)").bind("ids", orderIds)
        .map(r -> Map.entry(r.get("id", String.class), r.get("status", String.class))).all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new).block(PATIENCE);
  }

  /** Each order's hash, less what MySQL does not record to the millisecond or at all. */
  private Map<String, Map<String, String>> orderHashes(RedisKeys.ActivityKeys k, List<String> orderIds) {
    Map<String, Map<String, String>> all = new TreeMap<>();
    for (String orderId : orderIds) {
      Map<String, String> order = hash(k.order(orderId));
      order.remove("paid_at");
      order.remove("overdue_at");
      all.put(orderId, order);
    }
    return all;
  }

  /** Every key of the activity gone, and the activity off the warm set: Redis restarted empty. */
  private void loseEveryKey(ActivityId id) {
    var k = keys.of(id);
    List<String> all = redis.scan(ScanOptions.scanOptions().match(k.prefix() + "*").count(1_000).build())
        .collectList().block(PATIENCE);
    redis.delete(all.toArray(String[]::new)).block(PATIENCE);
    redis.opsForSet().remove(keys.warmActivities(id), id.toString()).block(PATIENCE);
  }

  /** The activity hash less its numbering (the rebuild resumes it past a gap and marks where). */
  private static Map<String, String> withoutSeq(Map<String, String> activity) {
    activity.remove("seq");
    activity.remove("rebuilt_seq");
    return activity;
  }

  private Map<String, String> hash(String key) {
    return new TreeMap<>(redis.<String, String>opsForHash().entries(key)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE));
  }

  private Map<String, Double> zset(String key) {
    return redis.opsForZSet().rangeWithScores(key, Range.closed(0L, -1L))
        .collectMap(t -> t.getValue(), t -> t.getScore()).block(PATIENCE);
  }
}
