package dev.flashgroup.engine.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.OrderRows;
import dev.flashgroup.engine.support.TestCluster;
import dev.flashgroup.engine.support.TestEngineApplication;
import dev.flashgroup.engine.support.TestRedis;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A manual cluster failover in the middle of the buyers (scripts/cluster up --replicas): the
 * replica of the activity's primary takes over ({@code CLUSTER FAILOVER}, which waits until the
 * replica has every write), the engine follows the new topology (MOVED, then Lettuce's refresh),
 * and nothing is oversold or lost: every acknowledged reservation becomes an order, and once quiet
 * Redis' stock plus MySQL's orders is exactly the activity's stock. A buyer whose call failed
 * during the switch got no acknowledgement (docs/cluster.md). The cluster is failed back afterwards.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class ClusterFailoverTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int STOCK = 300;
  private static final int BUYERS = 250;

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired DatabaseClient db;

  @Test
  void aFailoverMidSpikeLosesAndOversellsNothing() throws Exception {
    assumeTrue(TestRedis.cluster(), "runs on the test cluster (scripts/test's second run)");
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Sugar oranges", Mode.STANDARD, 2, 100L, 200L,
        STOCK, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
        Duration.ofHours(1))).block(PATIENCE);
    RedisClusterNode primary = TestCluster.primaryOf(keys.of(activity.id()).activity());
    RedisClusterNode replica = TestCluster.replicaOf(primary);
    assumeTrue(replica != null, "the activity's primary has a replica (scripts/cluster up --replicas)");

    Set<String> accepted = ConcurrentHashMap.newKeySet();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    var buyers = Flux.range(0, BUYERS)
        .flatMap(i -> reservations.buyAlone(activity.id(), "buyer-" + i, null)
            .doOnNext(outcome -> {
              if (outcome instanceof ReservationOutcome.Reserved r) {
                accepted.add(r.orderId());
              }
            })
            .onErrorResume(e -> {
              failed.incrementAndGet();
              return Mono.empty();
            })
            .doFinally(s -> answered.incrementAndGet()), 8)
        .then()
        .toFuture();

    await().atMost(PATIENCE).until(() -> answered.get() >= BUYERS / 4);
    TestCluster.failover(replica);
    buyers.get();
    assertThat(TestCluster.role(replica)).isEqualTo("master");

    // Every buyer was served or told of a failure (stock was enough for all of them).
    assertThat(accepted.size() + failed.get()).isEqualTo(BUYERS);
    // The engine answers on the new primary.
    var after = reservations.buyAlone(activity.id(), "after-failover", null).block(PATIENCE);
    assertThat(after).isInstanceOf(ReservationOutcome.Reserved.class);
    accepted.add(((ReservationOutcome.Reserved) after).orderId());

    // Nothing acknowledged is lost.
    await().atMost(PATIENCE).until(() -> OrderRows.ids(db, activity).containsAll(accepted));
    // Quiet: Redis' stock plus the orders MySQL holds is the stock, no unit sold twice or lost.
    await().atMost(PATIENCE).until(() -> stock(activity) + OrderRows.count(db, activity) == STOCK);
    assertThat(OrderRows.distinctIds(db, activity)).isEqualTo(OrderRows.count(db, activity));

    TestCluster.failover(primary);
  }

  private long stock(Activity activity) {
    return Long.parseLong(redis.<String, String>opsForHash().get(keys.of(activity.id()).activity(), "stock")
        .block(PATIENCE));
  }
}
