package dev.flashgroup.engine.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.reservation.Refusal;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
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

  @Test
  void activityStartingSoonIsWarmBeforeTheAnswer() {
    Activity activity = schedule(Instant.now().plusSeconds(1));
    assertThat(warm(activity)).isTrue();
    assertThat(redis.opsForSet().isMember(keys.warmActivities(), activity.id().toString()).block(PATIENCE)).isTrue();
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

  private Activity schedule(Instant startsAt) {
    return scheduling.schedule("shop-1", new ActivityDraft("Mushrooms", Mode.STANDARD, 2, 100L, 200L, 5, 1, startsAt,
        startsAt.plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5))).block(PATIENCE);
  }

  private boolean warm(Activity activity) {
    return Boolean.TRUE.equals(redis.hasKey(keys.of(activity.id()).activity()).block(PATIENCE));
  }
}
