package dev.flashgroup.engine.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
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

/** The safety net: knowledge that an activity is sold out lapses on its own, restock message or not. */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class, properties = "flashgroup.sold-out.ttl=PT0.5S")
@DirtiesContext
class SoldOutKnowledgeExpiryTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired SoldOutActivities soldOut;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  @Test
  void asksRedisAgainOnceTheKnowledgeLapsedEvenWhenTheRestockMessageWasLost() {
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Last jar of honey", Mode.STANDARD, 2, 100L,
            200L, 1, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofHours(1)))
        .block(WAIT);
    reservations.buyAlone(activity.id(), "buyer-1", null).block(WAIT);
    assertThat(reservations.buyAlone(activity.id(), "buyer-2", null).block(WAIT))
        .isEqualTo(new ReservationOutcome.Refused(Refusal.SOLD_OUT));

    // A unit comes back and its announcement is lost.
    redis.<String, String>opsForHash().put(keys.of(activity.id()).activity(), "stock", "1").block(WAIT);

    await().atMost(WAIT).until(() -> !soldOut.knows(activity.id()));
    assertThat(reservations.buyAlone(activity.id(), "buyer-2", null).block(WAIT))
        .isInstanceOf(ReservationOutcome.Reserved.class);
  }
}
