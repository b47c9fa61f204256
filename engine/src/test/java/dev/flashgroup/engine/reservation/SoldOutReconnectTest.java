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
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Sold-out knowledge when a connection drops by accident (a context of its own: after a reconnect
 * the instance learns nothing for a TTL, a minute here).
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class, properties = {"flashgroup.sold-out.ttl=PT1M", "spring.data.redis.client-name=" + SoldOutReconnectTest.NAME})
@DirtiesContext
class SoldOutReconnectTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  /** This context's connections' name: only its own subscription is cut, no other test's or program's. */
  static final String NAME = "fg-sold-out-reconnect-test";

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired SoldOutActivities soldOut;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired LettuceConnectionFactory connections;

  /**
   * The restock subscription's connection is cut (CLIENT KILL): Lettuce reconnects and subscribes
   * again, and a restock published meanwhile may be lost, so the instance forgets what it knew: a
   * unit that came back is served within seconds although knowledge lives a minute here.
   */
  @Test
  void forgetsEverythingWhenTheSubscriptionsConnectionIsCut() {
    SoldOutLessons.learnOnceSubscribed(soldOut, new ActivityId(999_999_998L));
    Activity activity = oneUnit();
    buy(activity, "buyer-1");
    assertThat(buy(activity, "buyer-2")).isEqualTo(new ReservationOutcome.Refused(Refusal.SOLD_OUT));
    assertThat(soldOut.knows(activity.id())).isTrue();
    // A unit comes back, its announcement lost with the connection.
    redis.<String, String>opsForHash().put(keys.of(activity.id()).activity(), "stock", "1").block(WAIT);

    killPubSubClients();

    await().atMost(WAIT).until(() -> !soldOut.knows(activity.id()));
    assertThat(buy(activity, "buyer-2")).isInstanceOf(ReservationOutcome.Reserved.class);
  }

  /** This context's pub/sub connections (by their name), on every node, are disconnected. */
  private void killPubSubClients() {
    AbstractRedisClient client = connections.getNativeClient();
    if (client instanceof RedisClusterClient cluster) {
      try (StatefulRedisClusterConnection<String, String> c = cluster.connect()) {
        for (RedisClusterNode node : c.getPartitions()) {
          RedisClusterCommands<String, String> on = c.getConnection(node.getNodeId()).sync();
          killOurs(on.clientList(), id -> on.clientKill(KillArgs.Builder.id(id)));
        }
      }
    } else {
      try (StatefulRedisConnection<String, String> c = ((RedisClient) client).connect()) {
        killOurs(c.sync().clientList(), id -> c.sync().clientKill(KillArgs.Builder.id(id)));
      }
    }
  }

  private static void killOurs(String clients, java.util.function.LongConsumer kill) {
    clients.lines()
        .filter(line -> line.contains(" name=" + NAME + " ") && line.matches(".* sub=[1-9].*"))
        .map(line -> line.replaceFirst("^id=(\\d+) .*", "$1"))
        .forEach(id -> kill.accept(Long.parseLong(id)));
  }

  private Activity oneUnit() {
    return scheduling.schedule("shop-1", new ActivityDraft("Last jar of honey", Mode.STANDARD, 2, 100L, 200L, 1, 1,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1)))
        .block(WAIT);
  }

  private ReservationOutcome buy(Activity activity, String buyer) {
    return reservations.buyAlone(activity.id(), buyer, null).block(WAIT);
  }
}
