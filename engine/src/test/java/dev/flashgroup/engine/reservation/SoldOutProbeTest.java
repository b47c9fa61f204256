package dev.flashgroup.engine.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
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
 * When sold-out knowledge lapses (TTL 3 s here), one request probes Redis and the others are still
 * refused until its answer comes (or another TTL passed): a lapse costs one Redis call, not one per
 * request in flight.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class, properties = "flashgroup.sold-out.ttl=PT3S")
@DirtiesContext
class SoldOutProbeTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ReservationOutcome SOLD_OUT = new ReservationOutcome.Refused(Refusal.SOLD_OUT);

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired SoldOutActivities soldOut;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  @Test
  void oneRequestProbesALapsedBucketWhileTheOthersAreStillRefused() {
    ActivityId activity = new ActivityId(777_777_777L);
    SoldOutLessons.learnOnceSubscribed(soldOut, activity);
    await().atMost(WAIT).until(() -> !soldOut.knows(activity));

    assertThat(soldOut.knowsEmpty(activity, 0)).as("the first caller probes").isFalse();
    assertThat(soldOut.knowsEmpty(activity, 0)).as("the others wait for it").isTrue();
    assertThat(soldOut.knows(activity)).isTrue();

    // An answer that says nothing of the stock (LIMIT_REACHED, say) ends the probe: the next caller probes.
    soldOut.answered(activity, 0, false);
    assertThat(soldOut.knows(activity)).isFalse();
    assertThat(soldOut.knowsEmpty(activity, 0)).isFalse();
    assertThat(soldOut.knowsEmpty(activity, 0)).isTrue();

    // A served probe: the bucket has stock, nothing is known any more.
    soldOut.answered(activity, 0, true);
    assertThat(soldOut.knowsEmpty(activity, 0)).isFalse();
    assertThat(soldOut.knowsEmpty(activity, 0)).isFalse();
  }

  /**
   * While a probe is out the others are refused without Redis (a unit put back behind the
   * instance's back stays), and once it answered the next request asks and is served.
   */
  @Test
  void requestsAreRefusedWhileAProbeIsOutAndServedAfterIt() {
    Activity a = soldOutAndLapsed("Last jar of honey");
    assertThat(soldOut.knowsEmpty(a.id(), 0)).as("a request probing").isFalse();
    redis.<String, String>opsForHash().put(keys.of(a.id()).activity(), "stock", "1").block(WAIT);

    assertThat(reservations.buyAlone(a.id(), "buyer-3", null).block(WAIT)).isEqualTo(SOLD_OUT);
    assertThat(redis.<String, String>opsForHash().get(keys.of(a.id()).activity(), "stock").block(WAIT)).isEqualTo("1");

    soldOut.answered(a.id(), 0, false);
    assertThat(reservations.buyAlone(a.id(), "buyer-3", null).block(WAIT)).isInstanceOf(ReservationOutcome.Reserved.class);
  }

  /** A probe that finds the activity still sold out teaches it again. */
  @Test
  void aProbeThatFindsTheActivitySoldOutTeachesItAgain() {
    Activity a = soldOutAndLapsed("Last jar of jam");

    assertThat(reservations.buyAlone(a.id(), "probe", null).block(WAIT)).isEqualTo(SOLD_OUT);

    assertThat(soldOut.knows(a.id())).isTrue();
  }

  @Test
  void knowledgeLapsedLongAgoIsNotProbedButAsked() {
    ActivityId activity = new ActivityId(777_777_778L);
    SoldOutLessons.learnOnceSubscribed(soldOut, activity);
    // Lapsed more than a TTL ago: every caller asks, none waits for a probe.
    await().atMost(WAIT).pollDelay(Duration.ofMillis(6_100)).until(() -> true);
    assertThat(soldOut.knowsEmpty(activity, 0)).isFalse();
    assertThat(soldOut.knowsEmpty(activity, 0)).isFalse();
  }

  /** One unit, sold; the instance learnt it sold out, and that knowledge has just lapsed. */
  private Activity soldOutAndLapsed(String title) {
    Activity a = scheduling.schedule("shop-1", new ActivityDraft(title, Mode.STANDARD, 2, 100L, 200L, 1, 1,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1)))
        .block(WAIT);
    reservations.buyAlone(a.id(), "buyer-1", null).block(WAIT);
    await().atMost(WAIT).until(() -> SOLD_OUT.equals(reservations.buyAlone(a.id(), "buyer-2", null).block(WAIT))
        && soldOut.knows(a.id()));
    await().atMost(WAIT).until(() -> !soldOut.knows(a.id()));
    return a;
  }
}
