package dev.flashgroup.engine.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.kernel.RedisTopology;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.OrderRows;
import dev.flashgroup.engine.support.TestCluster;
import dev.flashgroup.engine.support.TestEngineApplication;
import dev.flashgroup.engine.support.TestRedis;
import java.time.Duration;
import java.time.Instant;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * {@code flashgroup.redis.min-replicas=1} on the test cluster with replicas: each reservation waits
 * for a replica of the primary that ran it (WAIT goes to that primary, on lanes of its own), for
 * activities on different primaries, and every one is acknowledged and recorded; and right after a
 * failover every reservation is served at the first try by the new primary's lanes (a lane left on
 * the old primary answers MOVED: the topology is reloaded and the script sent to the node named).
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class ClusterReplicaWaitTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @DynamicPropertySource
  static void waitForOneReplica(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.redis.min-replicas", () -> "1");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired RedisKeys keys;
  @Autowired DatabaseClient db;
  @Autowired LettuceConnectionFactory factory;

  @Test
  void reservationsWaitForTheReplicaOfTheirOwnPrimary() {
    assumeTrue(TestRedis.cluster(), "runs on the test cluster with replicas (scripts/test's second run)");
    List<Activity> activities = Flux.range(0, 3)
        .concatMap(i -> scheduling.schedule("shop-1", new ActivityDraft("Pomelos " + i, Mode.STANDARD, 2, 100L, 200L,
            50, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofHours(1))))
        .collectList().block(PATIENCE);
    // Three tags, three slots: on a 3-primary cluster they are served by more than one primary.
    assertThat(activities.stream().map(a -> RedisTopology.slot(keys.of(a.id()).activity())).distinct()).hasSize(3);

    for (Activity activity : activities) {
      List<ReservationOutcome> outcomes = Flux.range(0, 30)
          .flatMap(i -> reservations.buyAlone(activity.id(), "buyer-" + i, null), 16)
          .collectList().block(PATIENCE);
      assertThat(outcomes).allMatch(ReservationOutcome.Reserved.class::isInstance);
      await().atMost(PATIENCE).until(() -> OrderRows.count(db, activity) == 30);
    }
  }

  @Test
  void reservationsRightAfterAFailoverGoToTheNewPrimary() {
    assumeTrue(TestRedis.cluster(), "runs on the test cluster with replicas (scripts/test's second run)");
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Kumquats", Mode.STANDARD, 2, 100L, 200L, 100,
        1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1)))
        .block(PATIENCE);
    RedisClusterNode primary = TestCluster.primaryOf(keys.of(activity.id()).activity());
    RedisClusterNode replica = TestCluster.replicaOf(primary);
    assumeTrue(replica != null, "the activity's primary has a replica (scripts/cluster up --replicas)");
    // The lanes are open on the primary of now.
    assertThat(buyers(activity, "before-", 20)).allMatch(ReservationOutcome.Reserved.class::isInstance);
    Partitions before = TestCluster.partitions();

    TestCluster.failover(replica);
    // The old primary is the new one's replica once in sync: WAIT 1 can be met again.
    TestCluster.awaitInSync(primary);
    // The client's topology as it was before the switch, and no refresh of its own (periodic, on a
    // redirect or reconnect) from now on: as at the moment of a failover, before any refresh came.
    // Only the lanes' MOVED retry and their reload can serve the buyers below.
    RedisClusterClient client = (RedisClusterClient) factory.getRequiredNativeClient();
    client.suspendTopologyRefresh();
    client.setPartitions(before);
    long switched = System.nanoTime();
    List<ReservationOutcome> after = buyers(activity, "after-", 30);
    Duration took = Duration.ofNanos(System.nanoTime() - switched);

    // Every one is reserved at the first try: no buyer gets a lane's MOVED or a closed lane as an error.
    assertThat(after).hasSize(30).allMatch(ReservationOutcome.Reserved.class::isInstance);
    assertThat(took).isLessThan(Duration.ofSeconds(15));
    await().atMost(PATIENCE).until(() -> OrderRows.count(db, activity) == 50);
    client.refreshPartitions();
    TestCluster.failover(primary);
    TestCluster.awaitInSync(replica);
  }

  private List<ReservationOutcome> buyers(Activity activity, String prefix, int count) {
    return Flux.range(0, count)
        .flatMap(i -> reservations.buyAlone(activity.id(), prefix + i, null), 16)
        .collectList().block(PATIENCE);
  }
}
