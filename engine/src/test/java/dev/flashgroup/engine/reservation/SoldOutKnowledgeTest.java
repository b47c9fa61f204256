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
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.DisconnectedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Once Redis said an activity is sold out, this instance answers SOLD_OUT itself, until a restock
 * message (from an expiry, a failed group, added stock) says units came back. The knowledge lives
 * a minute here, so only a restock message can explain a unit being served again within seconds.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class, properties = "flashgroup.sold-out.ttl=PT1M")
@DirtiesContext
class SoldOutKnowledgeTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired SoldOutActivities soldOut;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired LettuceConnectionFactory connections;

  @Test
  void answersASoldOutActivityWithoutAskingRedis() {
    Activity activity = oneUnit(Duration.ofHours(1));
    assertThat(buyAlone(activity, "buyer-1")).isInstanceOf(ReservationOutcome.Reserved.class);
    assertThat(buyAlone(activity, "buyer-2")).isEqualTo(soldOutRefusal());
    assertThat(soldOut.knows(activity.id())).isTrue();

    // A unit appears behind the instance's back, without a restock message: Redis would sell it,
    // so a refusal proves Redis was not asked.
    redis.<String, String>opsForHash().put(keys.of(activity.id()).activity(), "stock", "1").block(WAIT);

    assertThat(buyAlone(activity, "buyer-3")).isEqualTo(soldOutRefusal());
    assertThat(stock(activity)).isEqualTo("1");
  }

  @Test
  void servesAgainAsSoonAsARestockIsAnnounced() {
    Activity activity = oneUnit(Duration.ofHours(1));
    buyAlone(activity, "buyer-1");
    assertThat(buyAlone(activity, "buyer-2")).isEqualTo(soldOutRefusal());
    redis.<String, String>opsForHash().put(keys.of(activity.id()).activity(), "stock", "1").block(WAIT);

    redis.convertAndSend(keys.restockChannel(), activity.id().toString()).block(WAIT);

    await().atMost(WAIT).until(() -> buyAlone(activity, "buyer-2") instanceof ReservationOutcome.Reserved);
  }

  @Test
  void servesTheUnitAnExpiredReservationGaveBack() {
    Activity activity = oneUnit(Duration.ofSeconds(1));
    assertThat(buyAlone(activity, "buyer-1")).isInstanceOf(ReservationOutcome.Reserved.class);
    assertThat(buyAlone(activity, "buyer-2")).isEqualTo(soldOutRefusal());

    // buyer-1 never pays: the sweeper expires the order, the unit returns, the script announces it.
    await().atMost(WAIT).until(() -> buyAlone(activity, "buyer-2") instanceof ReservationOutcome.Reserved);
    assertThat(stock(activity)).isEqualTo("0");
  }

  @Test
  void aRetriedRequestWithAnIdempotencyKeyStillGetsItsFirstAnswer() {
    Activity activity = oneUnit(Duration.ofHours(1));
    ReservationOutcome first = reservations.buyAlone(activity.id(), "buyer-1", "key-1").block(WAIT);
    assertThat(buyAlone(activity, "buyer-2")).isEqualTo(soldOutRefusal());
    assertThat(soldOut.knows(activity.id())).isTrue();

    assertThat(reservations.buyAlone(activity.id(), "buyer-1", "key-1").block(WAIT)).isEqualTo(first);
  }

  /**
   * A connection opened and closed on purpose (a live reader's, a cluster topology refresh's) loses
   * no restock message: the instance keeps what it knew (it used to forget, and on a cluster every
   * refresh then cost a sharded spike a walk over every bucket), and keeps learning.
   */
  @Test
  void keepsItsKnowledgeWhenAConnectionIsOpenedAndClosedOnPurpose() throws Exception {
    Activity activity = oneUnit(Duration.ofHours(1));
    buyAlone(activity, "buyer-1");
    assertThat(buyAlone(activity, "buyer-2")).isEqualTo(soldOutRefusal());
    assertThat(soldOut.knows(activity.id())).isTrue();

    CompletableFuture<Event> disconnected = connections.getClientResources().eventBus().get()
        .filter(DisconnectedEvent.class::isInstance).next().toFuture();
    AbstractRedisClient client = connections.getNativeClient();
    StatefulConnection<String, String> extra = client instanceof RedisClusterClient cluster
        ? cluster.connect() : ((RedisClient) client).connect();
    extra.close();
    disconnected.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(soldOut.knows(activity.id())).isTrue();
    Activity another = oneUnit(Duration.ofHours(1));
    buyAlone(another, "buyer-1");
    assertThat(buyAlone(another, "buyer-2")).isEqualTo(soldOutRefusal());
    assertThat(soldOut.knows(another.id())).isTrue();
  }

  /**
   * A SOLD_OUT answer to a question asked before a restock was heard teaches nothing: the units
   * that came back may postdate the answer (on a sharded activity, a transfer in flight while the
   * buyer found every bucket empty announces its give so).
   */
  @Test
  void aRestockHeardWhileAskingVoidsTheLesson() {
    Activity activity = oneUnit(Duration.ofHours(1));
    buyAlone(activity, "buyer-1");
    long asked = soldOut.mark();

    redis.convertAndSend(keys.restockChannel(), activity.id().toString()).block(WAIT);
    await().atMost(WAIT).until(() -> soldOut.mark() != asked);
    soldOut.learn(activity.id(), asked);

    assertThat(soldOut.knows(activity.id())).isFalse();
    soldOut.learn(activity.id(), soldOut.mark());
    assertThat(soldOut.knows(activity.id())).isTrue();
  }

  private Activity oneUnit(Duration payWindow) {
    return scheduling.schedule("shop-1", new ActivityDraft("Last jar of honey", Mode.STANDARD, 2, 100L, 200L, 1, 1,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), payWindow))
        .block(WAIT);
  }

  private ReservationOutcome buyAlone(Activity activity, String buyer) {
    return reservations.buyAlone(activity.id(), buyer, null).block(WAIT);
  }

  private String stock(Activity activity) {
    return redis.<String, String>opsForHash().get(keys.of(activity.id()).activity(), "stock").block(WAIT);
  }

  private static ReservationOutcome soldOutRefusal() {
    return new ReservationOutcome.Refused(Refusal.SOLD_OUT);
  }
}
