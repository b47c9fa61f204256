package dev.flashgroup.engine.pickup;

import static dev.flashgroup.engine.kernel.SqlTime.utc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.order.Orders;
import dev.flashgroup.engine.payment.PaymentOutcome;
import dev.flashgroup.engine.payment.Payments;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import dev.flashgroup.engine.timer.PickupNotices;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

/**
 * Pickup windows through the whole machinery (scripts, relay, projector, reminder worker, sandbox
 * channel), with time passed to the sweeper: an uncollected order rolls over once and then goes
 * OVERDUE, in Redis and MySQL; reminders go out exactly once per order, window and recipient with
 * two sweepers at once and with the same event delivered many times.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class PickupTimersTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    // The test is the only sweeper, and it says what time it is.
    registry.add("flashgroup.pickup.sweeper-enabled", () -> "false");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired Payments payments;
  @Autowired Orders orders;
  @Autowired PickupPoints points;
  @Autowired PickupLists lists;
  @Autowired PickupSweeper sweeper;
  @Autowired ReminderWorker worker;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired WarmActivities warm;
  @Autowired RedisScript<List<Long>> takeReminders;
  @Autowired RedisScript<List<Long>> rollOverPickups;
  @Autowired PickupSettings settings;
  @Autowired PickupNotices notices;

  /** An activity on sale now at one point, collected tomorrow 11:00 to 13:00; two paid solo orders. */
  private record Sale(Activity activity, long point, Instant from, Instant to, List<String> orderIds) {}

  private Sale sale(boolean perishable, String... buyers) {
    long point = points.create(new PointDraft("东门便利店", "浈江区东门路 1 号", "CONVENIENCE_STORE",
        new BigDecimal("24.8"), new BigDecimal("113.6"), "0751-1234567", "08:00", "21:30", "Asia/Shanghai"))
        .block(PATIENCE).id();
    points.bindStaff(point, "staff-" + point).block(PATIENCE);
    Instant now = Instant.now();
    Instant from = now.plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
    Instant to = from.plus(Duration.ofHours(2));
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Mandarins", Mode.STANDARD, 2, 100L, 200L, 10,
        1, now.minusSeconds(1), now.plusSeconds(3600), Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(), 0,
        new Pickup(List.of(new Pickup.PointShare(point, 10)), new Pickup.Window(from, to), perishable)))
        .block(PATIENCE);
    List<String> ids = Flux.fromArray(buyers)
        .concatMap(buyer -> reservations.buyAlone(activity.id(), buyer, null, point).cast(Reserved.class)
            .flatMap(r -> payments.start(r.orderId(), buyer).ofType(PaymentOutcome.Started.class).thenReturn(r.orderId())))
        .collectList().block(PATIENCE);
    await().atMost(PATIENCE).until(() -> ids.stream().allMatch(id -> status(id) == OrderStatus.SUCCEEDED));
    return new Sale(activity, point, from, to, ids);
  }

  @Test
  void anUncollectedOrderRollsOverOnceAndThenGoesOverdue() {
    Sale sale = sale(false, "alice", "bob");
    long to = sale.to().toEpochMilli();

    assertThat(sweeper.sweep(sale.activity().id(), to - 1).block(PATIENCE))
        .isEqualTo(new PickupSweeper.Swept(2, 0, 0));
    assertThat(sweeper.sweep(sale.activity().id(), to).block(PATIENCE)).isEqualTo(new PickupSweeper.Swept(0, 2, 0));
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(rows(sale.point())).allSatisfy(row -> assertThat(row)
        .containsEntry("status", "SUCCEEDED").containsEntry("rollovers", 1)
        .containsEntry("pickup_from", utc(sale.from().plus(Duration.ofDays(1))))));

    long nextEnd = sale.to().plus(Duration.ofDays(1)).toEpochMilli();
    assertThat(sweeper.sweep(sale.activity().id(), nextEnd - 1).block(PATIENCE).overdue()).isZero();
    assertThat(sweeper.sweep(sale.activity().id(), nextEnd).block(PATIENCE)).isEqualTo(new PickupSweeper.Swept(0, 0, 2));

    assertThat(sale.orderIds()).allMatch(id -> status(id) == OrderStatus.OVERDUE);
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(rows(sale.point()))
        .extracting(row -> row.get("status")).containsOnly("OVERDUE").hasSize(2));
    assertThat(lists.overdueAt(sale.point()).map(PickupOrder::orderId).collectList().block(PATIENCE))
        .containsExactlyInAnyOrderElementsOf(sale.orderIds());
    assertThat(lists.overdueOf("shop-1", sale.activity().id().value()).count().block(PATIENCE)).isEqualTo(2);
    assertThat(lists.overdueOf("shop-2", null).count().block(PATIENCE)).isZero();
    assertThat(redis.opsForZSet().size(keys.of(sale.activity().id()).pickupDeadlines()).block(PATIENCE)).isZero();
    // Nothing is due any more: a later sweep finds nothing to do.
    assertThat(sweeper.sweep(sale.activity().id(), nextEnd + 3_600_000).block(PATIENCE))
        .isEqualTo(new PickupSweeper.Swept(0, 0, 0));
  }

  @Test
  void remindersGoOutExactlyOncePerWindowWithTwoSweepersAtOnce() {
    Sale sale = sale(true, "carol", "dave", "erin");
    PickupSweeper other = new PickupSweeper(redis, keys, warm, takeReminders, rollOverPickups, settings, notices,
        Clock.systemUTC());
    long start = sale.from().toEpochMilli();

    List<PickupSweeper.Swept> swept = Flux.range(0, 20)
        .flatMap(i -> (i % 2 == 0 ? sweeper : other).sweep(sale.activity().id(), start + i))
        .collectList().block(PATIENCE);

    assertThat(swept.stream().mapToLong(PickupSweeper.Swept::reminders).sum()).isEqualTo(3);
    String staff = "staff-" + sale.point();
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(sent(sale.orderIds())).containsExactlyInAnyOrder(
        sale.orderIds().get(0) + " carol:0:WINDOW_START", sale.orderIds().get(0) + " " + staff + ":0:WINDOW_START",
        sale.orderIds().get(1) + " dave:0:WINDOW_START", sale.orderIds().get(1) + " " + staff + ":0:WINDOW_START",
        sale.orderIds().get(2) + " erin:0:WINDOW_START", sale.orderIds().get(2) + " " + staff + ":0:WINDOW_START"));

    // The window's second reminder, its event delivered eight times at once: still once per recipient.
    String order = sale.orderIds().get(0);
    String event = "{\"at\":1,\"orderId\":\"" + order + "\",\"activityId\":\"" + sale.activity().id()
        + "\",\"pointId\":" + sale.point() + ",\"buyerId\":\"carol\",\"kind\":\"WINDOW_ENDING\",\"window\":0,"
        + "\"from\":" + start + ",\"to\":" + sale.to().toEpochMilli() + ",\"perishable\":true}";
    Flux.range(0, 8)
        // A copy that finds another holding the claim fails and is retried, as the worker's own loop does.
        .flatMap(i -> worker.handle("PickupReminderDue", event.getBytes(StandardCharsets.UTF_8))
            .retryWhen(Retry.backoff(20, Duration.ofMillis(20))))
        .then().block(PATIENCE);
    assertThat(sent(List.of(order))).filteredOn(s -> s.endsWith("WINDOW_ENDING"))
        .containsExactlyInAnyOrder(order + " carol:0:WINDOW_ENDING", order + " " + staff + ":0:WINDOW_ENDING");
    assertThat(db.sql("SELECT COUNT(*) AS n FROM pickup_reminders WHERE status <> 'SENT' AND order_id IN (:ids)")
        .bind("ids", sale.orderIds()).map(r -> r.get("n", Long.class)).one().block(PATIENCE)).isZero();
  }

  private List<String> sent(List<String> orderIds) {
    return SentReminders.of(db, orderIds);
  }

  private List<Map<String, Object>> rows(long point) {
    return db.sql("SELECT status, rollovers, pickup_from FROM orders WHERE pickup_point_id = :point")
        .bind("point", point)
        .map(r -> Map.<String, Object>of("status", r.get("status", String.class),
            "rollovers", r.get("rollovers", Integer.class) == null ? -1 : r.get("rollovers", Integer.class),
            "pickup_from", r.get("pickup_from", LocalDateTime.class) == null ? LocalDateTime.MIN
                : r.get("pickup_from", LocalDateTime.class)))
        .all().collectList().block(PATIENCE);
  }

  private OrderStatus status(String orderId) {
    OrderView order = orders.live(orderId).block(PATIENCE);
    return order == null ? null : order.status();
  }
}
