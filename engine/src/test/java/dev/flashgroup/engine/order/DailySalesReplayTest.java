package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.order.event.EventReader;
import dev.flashgroup.engine.order.event.GroupSnapshot;
import dev.flashgroup.engine.order.event.GroupSucceeded;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.pickup.PointDraft;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The daily sales the projector keeps (analytics' {@code DailySales}) count every order once
 * whatever the events' order and however often they come: a real activity's events (a paid
 * group, a failed group, an expiry), applied in order, then from an empty ledger backwards,
 * shuffled and again, in one batch, in small batches and one by one, end in the same
 * {@code sales_daily} rows, equal to what the orders themselves say.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class DailySalesReplayTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.relay.enabled", () -> "false");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired PaymentNotifications notifications;
  @Autowired Orders orders;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired DatabaseClient db;
  @Autowired OrderLedger ledger;
  @Autowired PickupPoints points;
  @Autowired ReactiveTransactionManager transactions;

  /**
   * Two batches sharing a group at a pickup activity, applied at once: each issues its order's
   * pickup code (a plain read, which fixes the batch's snapshot) before it waits on the group's row
   * lock; the second to get it still counts the group's success once, as the first recorded it.
   */
  @Test
  void concurrentBatchesSharingAGroupCountItsSuccessOnce() {
    PickupPoint point = points.create(new PointDraft("二号店", "浈江区 2 号", "CONVENIENCE_STORE",
        new BigDecimal("24.8000000"), new BigDecimal("113.6000000"), "+86 751 1234567", "08:00", "21:30",
        "Asia/Shanghai")).block(PATIENCE);
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Danxia honey", Mode.STANDARD, 2, 2990L,
            3990L, 10, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofHours(1), List.of(), null,
            new Pickup(List.of(new Pickup.PointShare(point.id(), 10)), null, false)))
        .block(PATIENCE);
    Reserved alice = reserved(reservations.openGroup(activity.id(), "alice", null, point.id()).block(PATIENCE));
    Reserved bob = reserved(reservations.joinGroup(alice.groupId(), "bob", null, point.id()).block(PATIENCE));
    notifications.paid(alice.orderId(), "TX-" + alice.orderId(), 2990).block(PATIENCE);
    notifications.paid(bob.orderId(), "TX-" + bob.orderId(), 2990).block(PATIENCE);
    List<OrderEvent> events = redis.opsForStream().range(keys.of(activity.id()).events(), Range.unbounded())
        .map(e -> EventReader.read(String.valueOf(e.getValue().get("type")), String.valueOf(e.getValue().get("data"))))
        .collectList().block(PATIENCE);
    GroupSucceeded succeeded = events.stream().filter(GroupSucceeded.class::isInstance)
        .map(GroupSucceeded.class::cast).findFirst().orElseThrow();
    assertThat(succeeded.orders()).hasSize(2);
    // Everything before the success, then the success split in two batches of one order each.
    ledger.apply(events.subList(0, events.indexOf(succeeded))).block(PATIENCE);
    // The second carries a later snapshot of the succeeded group (as a later event would), so its
    // upsert changes the row the first one wrote.
    GroupSnapshot g = succeeded.group();
    GroupSnapshot later = new GroupSnapshot(g.id(), g.activityId(), g.status(), g.size(), g.members(), g.paid(),
        g.deadline(), g.version() + 1, g.leader(), g.virtualMembers(), g.price());
    List<List<OrderEvent>> batches = List.of(
        List.of(new GroupSucceeded(succeeded.at(), null, null, List.of(succeeded.orders().get(0)), g)),
        List.of(new GroupSucceeded(succeeded.at(), null, null, List.of(succeeded.orders().get(1)), later)));

    // The group's row held by a third transaction until both batches wait for it.
    Sinks.Empty<Void> release = Sinks.empty();
    Sinks.Empty<Void> locked = Sinks.empty();
    Mono<Void> holder = TransactionalOperator.create(transactions).transactional(
        db.sql("SELECT id FROM purchase_groups WHERE id = :g FOR UPDATE").bind("g", alice.groupId()).then()
            .then(Mono.fromRunnable(locked::tryEmitEmpty)).then(release.asMono()));
    Mono<Void> held = holder.cache();
    held.subscribe();
    locked.asMono().block(PATIENCE);
    // The first batch queues for the lock first (InnoDB grants it in that order), then the second.
    Mono<Void> first = ledger.apply(batches.get(0)).cache();
    first.subscribe();
    await().atMost(PATIENCE).until(() -> waitingAtTheGroup() == 1);
    Mono<Void> second = ledger.apply(batches.get(1)).cache();
    second.subscribe();
    await().atMost(PATIENCE).until(() -> waitingAtTheGroup() == 2);
    Mono<Void> both = first.and(second);
    release.tryEmitEmpty();
    held.block(PATIENCE);
    both.block(PATIENCE);

    assertThat(sales(activity)).containsEntry("groups_succeeded", 1L).containsEntry("succeeded", 2L)
        .isEqualTo(fromOrders(activity));
    assertThat(count("SELECT COUNT(*) AS n FROM sales_group_facts WHERE succeeded = 1 AND group_id = '"
        + alice.groupId() + "'")).isEqualTo(1);
    // Applied again on top, one after the other: nothing changes.
    Flux.fromIterable(batches).concatMap(ledger::apply).then().block(PATIENCE);
    assertThat(sales(activity)).containsEntry("groups_succeeded", 1L).isEqualTo(fromOrders(activity));
  }

  @Test
  void duplicatedAndReorderedEventsCountEveryOrderOnce() {
    Activity activity = groupsSettledAndAnOrderExpired();
    List<OrderEvent> events = redis.opsForStream().range(keys.of(activity.id()).events(), Range.unbounded())
        .map(e -> EventReader.read(String.valueOf(e.getValue().get("type")), String.valueOf(e.getValue().get("data"))))
        .collectList().block(PATIENCE);

    Flux.fromIterable(events).concatMap(ledger::apply).then().block(PATIENCE);
    Map<String, Object> inOrder = sales(activity);
    // Four orders (alice and bob paid into a group that succeeded, carol paid into one that failed,
    // dan never paid), as the orders' rows themselves count them.
    assertThat(inOrder).isEqualTo(fromOrders(activity));
    assertThat(inOrder).containsEntry("reservations", 4L).containsEntry("paid", 3L).containsEntry("succeeded", 2L)
        .containsEntry("units", 2L).containsEntry("gmv", 5980L).containsEntry("groups_succeeded", 1L)
        .containsEntry("picked_up", 0L);

    List<OrderEvent> replay = new ArrayList<>(events);
    Collections.reverse(replay);
    List<OrderEvent> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(23));
    replay.addAll(shuffled);
    replay.addAll(events);

    forget(activity);
    ledger.apply(replay).block(PATIENCE);
    assertThat(sales(activity)).isEqualTo(inOrder);

    forget(activity);
    List<List<OrderEvent>> batches = new ArrayList<>();
    for (int i = 0; i < replay.size(); i += 3) {
      batches.add(replay.subList(i, Math.min(replay.size(), i + 3)));
    }
    Flux.fromIterable(batches).concatMap(ledger::apply).then().block(PATIENCE);
    assertThat(sales(activity)).isEqualTo(inOrder);

    // Redelivered once more, one by one, on top: nothing changes.
    Flux.fromIterable(replay).concatMap(ledger::apply).then().block(PATIENCE);
    assertThat(sales(activity)).isEqualTo(inOrder);
    assertThat(count("SELECT COUNT(*) AS n FROM sales_order_facts WHERE activity_id = " + activity.id().value()))
        .isEqualTo(4);

    // The migration that fills the daily sales of the orders held before them ends at the same rows.
    List<Map<String, Object>> rows = dailyRows(activity);
    for (String sql : List.of("DELETE FROM sales_daily", "DELETE FROM sales_order_facts", "DELETE FROM sales_group_facts")) {
      db.sql(sql).then().block(PATIENCE);
    }
    for (String statement : backfill()) {
      db.sql(statement).then().block(PATIENCE);
    }
    assertThat(dailyRows(activity)).isEqualTo(rows);
  }

  private List<Map<String, Object>> dailyRows(Activity activity) {
    return db.sql("SELECT * FROM sales_daily WHERE activity_id = :a ORDER BY day, point_id, leader_id")
        .bind("a", activity.id().value()).fetch().all().map(row -> (Map<String, Object>) new TreeMap<>(row))
        .collectList().block(PATIENCE);
  }

  /** This database's transactions (the server is shared) waiting at a group's upsert. */
  private long waitingAtTheGroup() {
    return count("SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t"
        + " JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.DB = DATABASE()"
        + " AND t.trx_state = 'LOCK WAIT' AND t.trx_query LIKE 'INSERT INTO purchase_groups%'");
  }

  /** V25's statements, its comment lines left out. */
  private static List<String> backfill() {
    try (var in = DailySalesReplayTest.class.getResourceAsStream("/db/migration/V25__sales_daily_backfill.sql")) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      String code = text.lines().filter(l -> !l.startsWith("--")).collect(java.util.stream.Collectors.joining("\n"));
      return java.util.Arrays.stream(code.split(";")).map(String::strip).filter(st -> !st.isEmpty()).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The activity's daily rows summed. */
  private Map<String, Object> sales(Activity activity) {
    return db.sql("SELECT SUM(reservations) AS reservations, SUM(paid) AS paid, SUM(succeeded) AS succeeded,"
            + " SUM(picked_up) AS picked_up, SUM(refunded) AS refunded, SUM(units) AS units, SUM(gmv) AS gmv,"
            + " SUM(groups_succeeded) AS groups_succeeded FROM sales_daily WHERE activity_id = :a")
        .bind("a", activity.id().value()).fetch().one().map(DailySalesReplayTest::longs).block(PATIENCE);
  }

  /** The same figures straight from the orders and groups (the definitions in docs/analytics.md). */
  private Map<String, Object> fromOrders(Activity activity) {
    return db.sql("SELECT COUNT(*) AS reservations, SUM(paid_amount IS NOT NULL) AS paid,"
            + " SUM(status IN ('SUCCEEDED', 'PICKED_UP', 'OVERDUE')) AS succeeded,"
            + " SUM(picked_up_at IS NOT NULL) AS picked_up, SUM(status = 'REFUNDED') AS refunded,"
            + " SUM(paid_amount IS NOT NULL AND status IN ('PAID', 'SUCCEEDED', 'PICKED_UP', 'OVERDUE')) AS units,"
            + " SUM(CASE WHEN paid_amount IS NOT NULL AND status IN ('PAID', 'SUCCEEDED', 'PICKED_UP', 'OVERDUE')"
            + " THEN COALESCE(final_amount, paid_amount) ELSE 0 END) AS gmv,"
            + " (SELECT COUNT(*) FROM purchase_groups g WHERE g.activity_id = :a AND g.status = 'SUCCEEDED')"
            + " AS groups_succeeded FROM orders WHERE activity_id = :a")
        .bind("a", activity.id().value()).fetch().one().map(DailySalesReplayTest::longs).block(PATIENCE);
  }

  private static Map<String, Object> longs(Map<String, Object> row) {
    Map<String, Object> out = new TreeMap<>();
    row.forEach((k, v) -> out.put(k, v == null ? null : ((Number) v).longValue()));
    return out;
  }

  /** Removes what the ledger wrote for the activity, the daily sales and their facts too. */
  private void forget(Activity activity) {
    for (String sql : List.of("DELETE p FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.activity_id = :a",
        "DELETE r FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.activity_id = :a",
        "DELETE FROM purchase_groups WHERE activity_id = :a", "DELETE FROM orders WHERE activity_id = :a",
        "DELETE FROM sales_daily WHERE activity_id = :a", "DELETE FROM sales_order_facts WHERE activity_id = :a",
        "DELETE FROM sales_group_facts WHERE activity_id = :a")) {
      db.sql(sql).bind("a", activity.id().value()).then().block(PATIENCE);
    }
    assertThat(sales(activity).get("reservations")).isNull();
  }

  /** As ProjectionOrderTest: a succeeded group, a failed one (refund requested), an expired solo order. */
  private Activity groupsSettledAndAnOrderExpired() {
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Danxia honey", Mode.STANDARD, 2, 2990L,
            3990L, 10, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofSeconds(2),
            Duration.ofSeconds(2)))
        .block(PATIENCE);
    Reserved alice = reserved(reservations.openGroup(activity.id(), "alice", null).block(PATIENCE));
    Reserved bob = reserved(reservations.joinGroup(alice.groupId(), "bob", null).block(PATIENCE));
    notifications.paid(alice.orderId(), "TX-" + alice.orderId(), 2990).block(PATIENCE);
    notifications.paid(bob.orderId(), "TX-" + bob.orderId(), 2990).block(PATIENCE);
    Reserved carol = reserved(reservations.openGroup(activity.id(), "carol", null).block(PATIENCE));
    notifications.paid(carol.orderId(), "TX-" + carol.orderId(), 2990).block(PATIENCE);
    Reserved dan = reserved(reservations.buyAlone(activity.id(), "dan", null).block(PATIENCE));
    await().atMost(PATIENCE).until(() -> "REFUNDING".equals(live(carol.orderId()))
        && "EXPIRED".equals(live(dan.orderId())));
    return activity;
  }

  private String live(String orderId) {
    return orders.find(orderId).map(o -> o.status().name()).block(PATIENCE);
  }

  private long count(String sql) {
    return db.sql(sql).map(r -> r.get("n", Long.class)).one().block(PATIENCE);
  }

  private static Reserved reserved(Object outcome) {
    assertThat(outcome).isInstanceOf(Reserved.class);
    return (Reserved) outcome;
  }
}
