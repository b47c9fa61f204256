package dev.flashgroup.engine.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityChanges;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
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

/**
 * The sweeper sleeps until the earliest deadline it knows of; here it would otherwise sleep an hour
 * and never rescan, so every expiry below proves that it learnt of the new deadline from this
 * instance's own notice and woke for it.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class,
    properties = {"flashgroup.timers.longest-wait=PT1H", "flashgroup.timers.rescan=PT1H"})
@DirtiesContext
class SweeperWaitTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Autowired ActivityScheduling scheduling;
  @Autowired ActivityChanges changes;
  @Autowired Reservations reservations;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  @Test
  void aReservationMadeWhileTheSweeperSleepsExpiresAtItsDeadline() {
    Activity activity = schedule(Duration.ofMillis(300));
    String first = buyAlone(activity, "buyer-1");
    await().atMost(WAIT).until(() -> "EXPIRED".equals(status(activity, first)));

    // Nothing is due any more: the sweeper went back to its hour-long sleep. A new reservation wakes it.
    String second = buyAlone(activity, "buyer-2");
    await().atMost(WAIT).until(() -> "EXPIRED".equals(status(activity, second)));
  }

  @Test
  void aCancelledActivitysReservationsExpireAtOnce() {
    Activity activity = schedule(Duration.ofHours(1));
    String order = buyAlone(activity, "buyer-1");
    // Its deadline is an hour away; the sweeper read it and sleeps. Cancelling makes it due now.
    changes.cancel(activity.id()).block(WAIT);
    await().atMost(WAIT).until(() -> "EXPIRED".equals(status(activity, order)));
  }

  private Activity schedule(Duration payWindow) {
    return scheduling.schedule("shop-1", new ActivityDraft("Pears", Mode.STANDARD, 2, 100L, 200L, 10, 5,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), payWindow))
        .block(WAIT);
  }

  private String buyAlone(Activity activity, String buyer) {
    ReservationOutcome outcome = reservations.buyAlone(activity.id(), buyer, null).block(WAIT);
    assertThat(outcome).isInstanceOf(ReservationOutcome.Reserved.class);
    return ((ReservationOutcome.Reserved) outcome).orderId();
  }

  private String status(Activity activity, String order) {
    return redis.<String, String>opsForHash().get(keys.of(activity.id()).order(order), "status").block(WAIT);
  }
}
