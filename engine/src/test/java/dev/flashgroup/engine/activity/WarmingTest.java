package dev.flashgroup.engine.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.pickup.PointDraft;
import dev.flashgroup.engine.reservation.Refusal;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Activities reach Redis before they open: at once when they start soon, else from the warmer. */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class WarmingTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.activities.warm-ahead", () -> "PT3S");
    registry.add("flashgroup.activities.warm-interval", () -> "PT0.1S");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired ActivityWarmer warmer;
  @Autowired WarmUp warmUp;
  @Autowired Reservations reservations;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired PickupPoints points;
  @Autowired Activities activities;
  @Autowired org.springframework.r2dbc.core.DatabaseClient db;
  @Autowired @org.springframework.beans.factory.annotation.Qualifier("closePoint")
  org.springframework.data.redis.core.script.RedisScript<String> closePoint;

  @Test
  void activityStartingSoonIsWarmBeforeTheAnswer() {
    Activity activity = schedule(Instant.now().plusSeconds(1));
    assertThat(warm(activity)).isTrue();
    assertThat(redis.opsForSet().isMember(keys.warmActivities(activity.id()), activity.id().toString()).block(PATIENCE)).isTrue();
  }

  @Test
  void laterActivityIsWarmedByTheWarmerAndOpensOnTime() {
    Instant startsAt = Instant.now().plusSeconds(5);
    Activity activity = schedule(startsAt);
    assertThat(warm(activity)).isFalse();
    assertThat(reservations.buyAlone(activity.id(), "early-bird", null).block(PATIENCE))
        .isEqualTo(new ReservationOutcome.Refused(Refusal.NOT_STARTED));

    await().atMost(PATIENCE).until(() -> warm(activity));
    assertThat(Instant.now()).isBefore(startsAt);
    await().atMost(PATIENCE).until(() -> Instant.now().isAfter(startsAt));
    assertThat(reservations.buyAlone(activity.id(), "on-time", null).block(PATIENCE))
        .isInstanceOf(ReservationOutcome.Reserved.class);
  }

  @Test
  void warmingTwiceKeepsLiveCounters() {
    Activity activity = schedule(Instant.now().minusSeconds(1));
    assertThat(reservations.buyAlone(activity.id(), "first", null).block(PATIENCE))
        .isInstanceOf(ReservationOutcome.Reserved.class);
    // A second instance warming the same activity must not hand the sold unit out again.
    warmUp.warm(activity).block(PATIENCE);
    assertThat(redis.opsForHash().get(keys.of(activity.id()).activity(), "stock").block(PATIENCE)).isEqualTo("4");
  }

  /** Scheduled while its point was active, warmed after the point was deactivated: warming closes it. */
  @Test
  void aPointDeactivatedBeforeWarmingIsClosedOnceWarm() {
    PickupPoint open = point("九号店");
    PickupPoint closing = point("十号站");
    // Far beyond the warm-ahead: not warm when the point is deactivated, so there is nothing to close.
    Instant later = Instant.now().plus(Duration.ofDays(1));
    Activity scheduled = scheduling.schedule("shop-1", new ActivityDraft("Mushrooms", Mode.STANDARD, 2, 100L, 200L, 4,
        1, later, later.plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5), List.of(), null,
        new Pickup(List.of(new Pickup.PointShare(open.id(), 2), new Pickup.PointShare(closing.id(), 2)), null, false)))
        .block(PATIENCE);
    points.deactivate(closing.id()).block(PATIENCE);
    assertThat(warm(scheduled)).isFalse();
    assertThat(redis.execute(closePoint, List.of(keys.of(scheduled.id()).activity()), List.of(Long.toString(closing.id())))
        .blockFirst(PATIENCE)).isEqualTo("NOT_WARM");

    // Now it has started (as if its start came): warmed, the deactivated point is closed.
    db.sql("UPDATE activities SET starts_at = :at WHERE id = :id")
        .bind("at", java.time.LocalDateTime.ofInstant(Instant.now().minusSeconds(1), java.time.ZoneOffset.UTC))
        .bind("id", scheduled.id().value()).then().block(PATIENCE);
    Activity activity = activities.find(scheduled.id()).block(PATIENCE);
    warmUp.warm(activity).block(PATIENCE);
    assertThat(redis.opsForHash().get(keys.of(activity.id()).activity(),
        RedisKeys.ActivityKeys.pointClosedField(closing.id())).block(PATIENCE)).isEqualTo("1");
    assertThat(reservations.buyAlone(activity.id(), "late", null, closing.id()).block(PATIENCE))
        .isEqualTo(new ReservationOutcome.Refused(Refusal.PICKUP_POINT_CLOSED));
    assertThat(reservations.buyAlone(activity.id(), "late", null, open.id()).block(PATIENCE))
        .isInstanceOf(ReservationOutcome.Reserved.class);
  }

  /** The close in Redis after a deactivation failed (here: never ran): the warmer's repair pass closes it. */
  @Test
  void aPointDeactivatedOnlyInMysqlIsClosedInWarmActivitiesByTheWarmer() {
    PickupPoint open = point("十一号店");
    PickupPoint closing = point("十二号站");
    Instant startsAt = Instant.now().minusSeconds(1);
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Mushrooms", Mode.STANDARD, 2, 100L, 200L, 4, 1,
        startsAt, startsAt.plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5), List.of(), null,
        new Pickup(List.of(new Pickup.PointShare(open.id(), 2), new Pickup.PointShare(closing.id(), 2)), null, false)))
        .block(PATIENCE);
    assertThat(warm(activity)).isTrue();

    db.sql("UPDATE pickup_points SET active = FALSE WHERE id = :id").bind("id", closing.id()).then().block(PATIENCE);

    await().atMost(PATIENCE).until(() -> "1".equals(redis.<String, String>opsForHash().get(keys.of(activity.id())
        .activity(), RedisKeys.ActivityKeys.pointClosedField(closing.id())).block(PATIENCE)));
    assertThat(reservations.buyAlone(activity.id(), "late", null, closing.id()).block(PATIENCE))
        .isEqualTo(new ReservationOutcome.Refused(Refusal.PICKUP_POINT_CLOSED));
  }

  private PickupPoint point(String name) {
    return points.create(new PointDraft(name, "浈江区 1 号", "CONVENIENCE_STORE", new BigDecimal("24.8000000"),
        new BigDecimal("113.6000000"), "+86 751 1234567", "08:00", "21:30", "Asia/Shanghai")).block(PATIENCE);
  }

  private Activity schedule(Instant startsAt) {
    return scheduling.schedule("shop-1", new ActivityDraft("Mushrooms", Mode.STANDARD, 2, 100L, 200L, 5, 1, startsAt,
        startsAt.plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5))).block(PATIENCE);
  }

  private boolean warm(Activity activity) {
    return Boolean.TRUE.equals(redis.hasKey(keys.of(activity.id()).activity()).block(PATIENCE));
  }
}
