package dev.flashgroup.engine.pickup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.payment.PaymentOutcome;
import dev.flashgroup.engine.payment.Payments;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import dev.flashgroup.engine.timer.PickupNotices;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * The pickup sweeper sleeps until the earliest reminder or window end it knows of, with a longest
 * wait and a rescan of an hour here: every reminder taken below was taken because the sweeper woke
 * for its due time, or was told of it. The sweepers under test run on a clock set a few seconds
 * before tomorrow's pickup window opens, so its first reminder falls due while the test watches.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class PickupWaitTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  /** How long before the window opens the sweepers' clock starts. */
  private static final Duration LEAD = Duration.ofSeconds(8);

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    // Only the test's own sweepers run, on their own clock.
    registry.add("flashgroup.pickup.sweeper-enabled", () -> "false");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired Payments payments;
  @Autowired PickupPoints points;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired WarmActivities warm;
  @Autowired RedisScript<List<Long>> takeReminders;
  @Autowired RedisScript<List<Long>> rollOverPickups;
  @Autowired PickupSettings settings;
  @Autowired PickupNotices notices;

  private final List<PickupSweeper> started = new ArrayList<>();

  /** Tomorrow's pickup window, as {@link #activity} sets it. */
  private final Instant from = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
  private final Instant to = from.plus(Duration.ofHours(2));

  @AfterEach
  void stopSweepers() {
    started.forEach(PickupSweeper::stop);
  }

  @Test
  void aReminderDueLaterIsTakenOnTimeAfterWaiting() {
    Activity activity = activity(points());
    String order = paidOrder(activity, "alice");
    assertThat(dueReminders(activity)).isEqualTo(1);

    Clock clock = clockBefore(from);
    sweeper(clock);
    // The sweeper reads the activity at its first round and sleeps until the window opens.
    await().atMost(LEAD.plus(PATIENCE)).until(() -> dueReminders(activity) == 0);
    assertThat(clock.instant()).isAfterOrEqualTo(from).isBefore(from.plus(Duration.ofSeconds(3)));
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(SentReminders.of(db, List.of(order)))
        .contains(order + " alice:0:WINDOW_START"));
  }

  @Test
  void anOrderMadeCollectableWhileTheSweeperSleepsWakesIt() {
    Activity activity = activity(points());
    Clock clock = clockBefore(from);
    PickupSweeper sweeper = sweeper(clock);
    // The activity has no timer yet: the sweeper read it at its first round and went to sleep for an hour.
    await().atMost(PATIENCE).until(() -> sweeper.rounds() >= 1);

    String order = paidOrder(activity, "bob");
    await().atMost(LEAD.plus(PATIENCE)).until(() -> dueReminders(activity) == 0);
    assertThat(clock.instant()).isAfterOrEqualTo(from).isBefore(from.plus(Duration.ofSeconds(3)));
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(SentReminders.of(db, List.of(order)))
        .contains(order + " bob:0:WINDOW_START"));
  }

  @Test
  void twoWaitingSweepersTakeEachReminderOnce() {
    long point = points();
    Activity activity = activity(point);
    List<String> orders = Flux.just("carol", "dave", "erin")
        .map(buyer -> paidOrder(activity, buyer)).collectList().block(PATIENCE);
    assertThat(dueReminders(activity)).isEqualTo(3);
    Clock clock = clockBefore(from);
    sweeper(clock);
    sweeper(clock);

    await().atMost(LEAD.plus(PATIENCE)).until(() -> dueReminders(activity) == 0);
    String staff = "staff-" + point;
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(SentReminders.of(db, orders)).containsExactlyInAnyOrder(
        orders.get(0) + " carol:0:WINDOW_START", orders.get(0) + " " + staff + ":0:WINDOW_START",
        orders.get(1) + " dave:0:WINDOW_START", orders.get(1) + " " + staff + ":0:WINDOW_START",
        orders.get(2) + " erin:0:WINDOW_START", orders.get(2) + " " + staff + ":0:WINDOW_START"));
  }

  /** The system clock moved so that it reads {@link #LEAD} before {@code due} now. */
  private static Clock clockBefore(Instant due) {
    return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), due.minus(LEAD)));
  }

  /** A sweeper of its own that would sleep an hour unless it knows better; stopped after the test. */
  private PickupSweeper sweeper(Clock clock) {
    PickupSettings waiting = new PickupSettings(settings.rollovers(), Duration.ofMillis(100), settings.batch(), true,
        settings.reminderAttempts(), settings.reminderClaim(), Duration.ofHours(1), Duration.ofHours(1));
    PickupSweeper sweeper = new PickupSweeper(redis, keys, warm, takeReminders, rollOverPickups, waiting, notices, clock);
    sweeper.start();
    started.add(sweeper);
    return sweeper;
  }

  private long points() {
    long point = points.create(new PointDraft("东门便利店", "浈江区东门路 1 号", "CONVENIENCE_STORE",
        new BigDecimal("24.8"), new BigDecimal("113.6"), "0751-1234567", "08:00", "21:30", "Asia/Shanghai"))
        .block(PATIENCE).id();
    points.bindStaff(point, "staff-" + point).block(PATIENCE);
    return point;
  }

  /** On sale now at one point, collected tomorrow in {@link #from} to {@link #to}. */
  private Activity activity(long point) {
    Instant now = Instant.now();
    return scheduling.schedule("shop-1", new ActivityDraft("Mandarins", Mode.STANDARD, 2, 100L, 200L, 10,
        1, now.minusSeconds(1), now.plusSeconds(3600), Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(), 0,
        new Pickup(List.of(new Pickup.PointShare(point, 10)), new Pickup.Window(from, to), false)))
        .block(PATIENCE);
  }

  /** A solo order, paid: collectable, with its reminders set. */
  private String paidOrder(Activity activity, String buyer) {
    long point = activity.pickup().points().get(0).pointId();
    return reservations.buyAlone(activity.id(), buyer, null, point).cast(Reserved.class)
        .flatMap(r -> payments.start(r.orderId(), buyer).ofType(PaymentOutcome.Started.class).thenReturn(r.orderId()))
        .block(PATIENCE);
  }

  /** Reminders of the activity due by the window's opening that no sweeper took yet. */
  private long dueReminders(Activity activity) {
    return redis.opsForZSet().count(keys.of(activity.id()).pickupReminders(),
        Range.closed(0.0, (double) from.toEpochMilli())).block(PATIENCE);
  }
}
