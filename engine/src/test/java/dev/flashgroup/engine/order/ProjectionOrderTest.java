package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.fulfilment.Verification;
import dev.flashgroup.engine.fulfilment.Verifications;
import dev.flashgroup.engine.pickup.PickupCodes;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.pickup.PointDraft;
import dev.flashgroup.engine.activity.Tier;
import dev.flashgroup.engine.group.GroupView;
import dev.flashgroup.engine.group.Groups;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.messaging.MessagingSettings;
import dev.flashgroup.engine.order.event.EventReader;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * Workers see events late, twice and out of order (redeliveries, retries, several consumers).
 * With the relay switched off, this test replays a real activity's events to the worker queue
 * backwards and then again shuffled, and expects MySQL to end up exactly where Redis is.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class ProjectionOrderTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.relay.enabled", () -> "false");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired PaymentNotifications notifications;
  @Autowired Orders orders;
  @Autowired Groups groups;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired MessagingSettings messaging;
  @Autowired DatabaseClient db;
  @Autowired PickupPoints points;
  @Autowired PickupCodes codes;
  @Autowired Verifications verifications;
  @Autowired OrderLedger ledger;

  @Test
  void duplicatedAndReorderedEventsLeaveMysqlWhereRedisIs() throws Exception {
    Settled settled = groupsSettledAndAnOrderExpired();
    Activity activity = settled.activity();
    Reserved alice = settled.alice();
    Reserved carol = settled.carol();
    List<Reserved> all = settled.all();
    List<MapRecord<String, Object, Object>> events = redis.opsForStream()
        .range(keys.of(activity.id()).events(), Range.unbounded()).collectList().block(PATIENCE);
    assertThat(events).extracting(e -> e.getValue().get("type")).contains("ReservationMade", "PaymentConfirmed",
        "GroupSucceeded", "GroupFailed", "RefundRequested", "ReservationExpired");

    List<MapRecord<String, Object, Object>> replay = new ArrayList<>(events);
    Collections.reverse(replay);
    List<MapRecord<String, Object, Object>> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(7));
    replay.addAll(shuffled);
    publishToWorkerQueue(replay);

    Map<String, String> expectedOrders = new HashMap<>();
    for (Reserved r : all) {
      expectedOrders.put(r.orderId(), live(r.orderId()));
    }
    Map<String, GroupView> expectedGroups = Map.of(alice.groupId(), group(alice.groupId()),
        carol.groupId(), group(carol.groupId()));
    assertThat(expectedOrders).containsEntry(alice.orderId(), "SUCCEEDED").containsEntry(carol.orderId(), "REFUNDING");

    await().atMost(PATIENCE).until(() -> workerQueueDrained() && mysqlOrders(activity).equals(expectedOrders));
    assertThat(mysqlOrders(activity)).isEqualTo(expectedOrders);
    for (GroupView expected : expectedGroups.values()) {
      Map<String, Object> row = db.sql("SELECT status, members, paid FROM purchase_groups WHERE id = :id")
          .bind("id", expected.id()).fetch().one().block(PATIENCE);
      assertThat(row.get("status")).isEqualTo(expected.status());
      assertThat(((Number) row.get("paid")).intValue()).isEqualTo(expected.paid());
      assertThat(((Number) row.get("members")).intValue()).isEqualTo(expected.members().size());
    }
    assertThat(count("SELECT COUNT(*) AS n FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.activity_id = "
        + activity.id().value())).isEqualTo(3);
    assertThat(count("SELECT COUNT(*) AS n FROM refunds WHERE order_id = '" + carol.orderId() + "'")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) AS n FROM orders WHERE activity_id = " + activity.id().value())).isEqualTo(4);
  }

  /**
   * A tiered group fills its largest tier and settles at once; each member's tier difference is
   * requested and confirmed. Replayed backwards and shuffled, MySQL keeps every amount Redis has.
   */
  @Test
  void duplicatedAndReorderedEventsKeepEveryOrdersAmounts() throws Exception {
    Activity activity = tieredActivity();
    List<Reserved> all = tieredGroupPaidAndDifferencesRefunded(activity);
    List<MapRecord<String, Object, Object>> events = events(activity);
    List<MapRecord<String, Object, Object>> replay = new ArrayList<>(events);
    Collections.reverse(replay);
    List<MapRecord<String, Object, Object>> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(11));
    replay.addAll(shuffled);

    publishToWorkerQueue(replay);

    Map<String, List<Long>> expected = new HashMap<>();
    for (Reserved r : all) {
      OrderView o = orders.find(r.orderId()).block(PATIENCE);
      expected.put(r.orderId(), List.of(o.paidAmount(), o.finalAmount(), o.refundedAmount()));
    }
    assertThat(expected.values()).containsOnly(List.of(3000L, 2500L, 500L));
    await().atMost(PATIENCE).until(() -> workerQueueDrained() && mysqlAmounts(activity).equals(expected));
    assertThat(count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no LIKE 'RD" + activity.id().value()
        + "-%' AND amount = 500 AND status = 'CONFIRMED'")).isEqualTo(3);
  }

  /** A refund confirmation that overtakes its request records what was sent back, not the order's price. */
  @Test
  void refundConfirmedBeforeItsRequestRecordsTheTierDifference() throws Exception {
    Activity activity = tieredActivity();
    tieredGroupPaidAndDifferencesRefunded(activity);

    publishToWorkerQueue(events(activity).stream()
        .filter(e -> "RefundConfirmed".equals(e.getValue().get("type"))).toList());

    await().atMost(PATIENCE).until(() -> workerQueueDrained() && count("SELECT COUNT(*) AS n FROM refunds"
        + " WHERE refund_no LIKE 'RD" + activity.id().value() + "-%' AND status = 'CONFIRMED'") == 3);
    assertThat(db.sql("SELECT amount FROM refunds WHERE refund_no LIKE 'RD" + activity.id().value() + "-%'")
        .map(r -> r.get("amount", Long.class)).all().collectList().block(PATIENCE)).containsOnly(500L);
  }

  /**
   * Pickups replayed backwards and shuffled: every collectable order gets exactly one code (the
   * first issued stays), and the handed-out order stays PICKED_UP with its pickup time.
   */
  @Test
  void duplicatedAndReorderedPickupsIssueOneCodePerOrderAndKeepThePickup() throws Exception {
    PickupPoint point = points.create(new PointDraft("一号店", "浈江区 1 号", "CONVENIENCE_STORE",
        new BigDecimal("24.8000000"), new BigDecimal("113.6000000"), "+86 751 1234567", "08:00", "21:30",
        "Asia/Shanghai")).block(PATIENCE);
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Danxia honey", Mode.STANDARD, 2, 2990L,
            3990L, 10, 2, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofHours(1), List.of(), null,
            new Pickup(List.of(new Pickup.PointShare(point.id(), 10)), null, false)))
        .block(PATIENCE);
    Reserved alice = reserved(reservations.buyAlone(activity.id(), "alice", null, point.id()).block(PATIENCE));
    Reserved bob = reserved(reservations.buyAlone(activity.id(), "bob", null, point.id()).block(PATIENCE));
    notifications.paid(alice.orderId(), "TX-alice", 3990).block(PATIENCE);
    notifications.paid(bob.orderId(), "TX-bob", 3990).block(PATIENCE);
    // The code verification looks up; the projector would have issued it from the paid snapshot.
    String code = codes.issue(alice.orderId(), activity.id().value(), point.id()).block(PATIENCE).code();
    assertThat(verifications.verify(point.id(), "clerk-1", code).block(PATIENCE))
        .isInstanceOf(Verification.PickedUp.class);

    List<MapRecord<String, Object, Object>> events = events(activity);
    assertThat(events).extracting(e -> e.getValue().get("type")).contains("OrderPickedUp");
    List<MapRecord<String, Object, Object>> replay = new ArrayList<>(events);
    Collections.reverse(replay);
    List<MapRecord<String, Object, Object>> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(13));
    replay.addAll(shuffled);
    publishToWorkerQueue(replay);

    await().atMost(PATIENCE).until(() -> workerQueueDrained()
        && "PICKED_UP".equals(mysqlOrders(activity).get(alice.orderId()))
        && "SUCCEEDED".equals(mysqlOrders(activity).get(bob.orderId()))
        && count("SELECT COUNT(*) AS n FROM pickup_codes WHERE activity_id = " + activity.id().value()) == 2);
    assertThat(codes.find(alice.orderId()).block(PATIENCE).code()).isEqualTo(code);
    assertThat(codes.find(bob.orderId()).block(PATIENCE).code()).matches("[0-9]{16}").isNotEqualTo(code);
    assertThat(count("SELECT COUNT(*) AS n FROM orders WHERE id = '" + alice.orderId()
        + "' AND picked_up_at IS NOT NULL")).isEqualTo(1);
  }

  /**
   * The projector writes many events per transaction: a batch holding every event at least twice,
   * newest versions before older ones and after them, leaves every row of orders, groups,
   * payments and refunds exactly where applying the same events one by one leaves it.
   */
  @Test
  void aBatchOfDuplicatedAndReorderedEventsEndsWhereOneByOneEnds() {
    Activity activity = groupsSettledAndAnOrderExpired().activity();
    List<OrderEvent> events = events(activity).stream()
        .map(e -> EventReader.read(String.valueOf(e.getValue().get("type")), String.valueOf(e.getValue().get("data"))))
        .toList();
    List<OrderEvent> replay = new ArrayList<>(events);
    Collections.reverse(replay);
    List<OrderEvent> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(17));
    replay.addAll(shuffled);
    replay.addAll(events);

    Flux.fromIterable(replay).concatMap(ledger::apply).then().block(PATIENCE);
    List<List<Map<String, Object>>> oneByOne = ledgerRows(activity);
    assertThat(oneByOne).extracting(List::size).containsExactly(4, 2, 3, 1);
    forget(activity);
    assertThat(ledgerRows(activity)).extracting(List::size).containsExactly(0, 0, 0, 0);

    ledger.apply(replay).block(PATIENCE);

    assertThat(ledgerRows(activity)).isEqualTo(oneByOne);
  }

  /**
   * Alice and bob fill a group and pay (SUCCEEDED); carol pays into a group nobody joins (it
   * fails, her refund is requested); dan buys alone and never pays (EXPIRED). Waits for the timers.
   * Transaction ids are the order's (unique in the test's database, as the ledger requires).
   */
  private Settled groupsSettledAndAnOrderExpired() {
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
    await().atMost(PATIENCE).until(() -> live(carol.orderId()).equals("REFUNDING")
        && live(dan.orderId()).equals("EXPIRED"));
    return new Settled(activity, alice, bob, carol, dan);
  }

  private record Settled(Activity activity, Reserved alice, Reserved bob, Reserved carol, Reserved dan) {

    List<Reserved> all() {
      return List.of(alice, bob, carol, dan);
    }
  }

  private List<List<Map<String, Object>>> ledgerRows(Activity activity) {
    return Stream.of("SELECT * FROM orders WHERE activity_id = :a ORDER BY id",
            "SELECT * FROM purchase_groups WHERE activity_id = :a ORDER BY id",
            "SELECT p.* FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.activity_id = :a"
                + " ORDER BY transaction_id",
            "SELECT r.* FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.activity_id = :a ORDER BY refund_no")
        .map(sql -> db.sql(sql).bind("a", activity.id().value()).fetch().all()
            .map(row -> (Map<String, Object>) new TreeMap<>(row)).collectList().block(PATIENCE))
        .toList();
  }

  /** Removes what the ledger wrote for the activity. */
  private void forget(Activity activity) {
    for (String sql : List.of("DELETE p FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.activity_id = :a",
        "DELETE r FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.activity_id = :a",
        "DELETE FROM purchase_groups WHERE activity_id = :a", "DELETE FROM orders WHERE activity_id = :a")) {
      db.sql(sql).bind("a", activity.id().value()).then().block(PATIENCE);
    }
  }

  /** Tiers 2 → 3000, 3 → 2500. */
  private Activity tieredActivity() {
    return scheduling.schedule("shop-1", new ActivityDraft("Lychees", Mode.TIERED, null, null, 3990L,
            10, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofHours(1), List.of(new Tier(2, 3000L), new Tier(3, 2500L)), null))
        .block(PATIENCE);
  }

  /** Three buyers fill the largest tier and pay; the group settles at 2500 and each 500 comes back. */
  private List<Reserved> tieredGroupPaidAndDifferencesRefunded(Activity activity) {
    Reserved alice = reserved(reservations.openGroup(activity.id(), "alice", null).block(PATIENCE));
    List<Reserved> all = List.of(alice, reserved(reservations.joinGroup(alice.groupId(), "bob", null).block(PATIENCE)),
        reserved(reservations.joinGroup(alice.groupId(), "carol", null).block(PATIENCE)));
    for (Reserved r : all) {
      notifications.paid(r.orderId(), "TX-" + r.orderId(), 3000).block(PATIENCE);
    }
    for (Reserved r : all) {
      assertThat(notifications.refunded(r.orderId(), "RD" + r.orderId()).block(PATIENCE)).isEqualTo("REFUNDED");
    }
    return all;
  }

  private List<MapRecord<String, Object, Object>> events(Activity activity) {
    return redis.opsForStream().range(keys.of(activity.id()).events(), Range.unbounded()).collectList()
        .block(PATIENCE);
  }

  private Map<String, List<Long>> mysqlAmounts(Activity activity) {
    return db.sql("SELECT id, paid_amount, final_amount, refunded_amount FROM orders WHERE activity_id = :a")
        .bind("a", activity.id().value()).map(r -> Map.entry(
            r.get("id", String.class), Arrays.asList(r.get("paid_amount", Long.class),
                r.get("final_amount", Long.class), r.get("refunded_amount", Long.class)))).all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
  }

  private void publishToWorkerQueue(List<MapRecord<String, Object, Object>> events) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(messaging.host());
    factory.setPort(messaging.port());
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      for (MapRecord<String, Object, Object> e : events) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
            .type(String.valueOf(e.getValue().get("type"))).contentType("application/json").deliveryMode(2).build();
        // Straight into the worker's queue, so the refund worker does not act on the replay.
        channel.basicPublish("", messaging.ordersQueue(), props,
            String.valueOf(e.getValue().get("data")).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private boolean workerQueueDrained() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(messaging.host());
    factory.setPort(messaging.port());
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(messaging.ordersQueue()).getMessageCount() == 0;
    }
  }

  private Map<String, String> mysqlOrders(Activity activity) {
    return db.sql("SELECT id, status FROM orders WHERE activity_id = :a").bind("a", activity.id().value())
        .map(r -> Map.entry(r.get("id", String.class), r.get("status", String.class))).all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
  }

  private String live(String orderId) {
    return orders.find(orderId).map(o -> o.status().name()).block(PATIENCE);
  }

  private GroupView group(String groupId) {
    return groups.find(groupId).block(PATIENCE);
  }

  private long count(String sql) {
    return db.sql(sql).map(r -> r.get("n", Long.class)).one().block(PATIENCE);
  }

  private static Reserved reserved(Object outcome) {
    assertThat(outcome).isInstanceOf(Reserved.class);
    return (Reserved) outcome;
  }
}
