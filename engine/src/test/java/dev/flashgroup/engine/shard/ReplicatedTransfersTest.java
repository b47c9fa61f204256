package dev.flashgroup.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestCluster;
import dev.flashgroup.engine.support.TestEngineApplication;
import dev.flashgroup.engine.support.TestRedis;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * {@code flashgroup.redis.min-replicas=1} on the test cluster with replicas: a transfer's give waits
 * until the giver's replica has the take (WAIT on a lane of the giver's primary). Otherwise the
 * giver's primary dying after the give would leave the units with its promoted replica and with the
 * receiver. A giver whose replica does not answer in time gives nothing; the transfer stays
 * recorded and is finished once the replica is back.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class, properties = {"flashgroup.shards.rebalance-enabled=false",
    "flashgroup.redis.min-replicas=1", "flashgroup.redis.replica-wait.timeout=PT0.3S"})
@DirtiesContext
class ReplicatedTransfersTest {

  private static final int SHARDS = 4;
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired ActivityScheduling scheduling;
  @Autowired StockTransfers transfers;
  @Autowired Shards shards;
  @Autowired RedisKeys keys;
  @Autowired ReactiveStringRedisTemplate redis;

  @Test
  void theGiveWaitsForTheGiversReplica() throws Exception {
    assumeTrue(TestRedis.cluster(), "runs on the test cluster with replicas (scripts/test's second run)");
    Sharding s = schedule(40);
    RedisClusterNode giverReplica = TestCluster.replicaOf(TestCluster.primaryOf(s.keys(keys, 1).activity()));
    assumeTrue(giverReplica != null, "the giver's primary has a replica (scripts/cluster up --replicas)");

    assertThat(transfers.move(s, 1, 0, null, 5, false).block(PATIENCE)).isEqualTo(5);
    // The moment the give is done the giver's replica already has the take.
    String onReplica = TestCluster.on(giverReplica.getUri(), r -> {
      r.readOnly();
      return r.hget(s.keys(keys, 1).activity(), "stock");
    });
    assertThat(onReplica).isEqualTo("5");
    assertThat(stock(s, 0)).isEqualTo(15);
  }

  @Test
  void aTakeNoReplicaConfirmedIsNotGivenUntilFinished() throws Exception {
    assumeTrue(TestRedis.cluster(), "runs on the test cluster with replicas (scripts/test's second run)");
    Sharding s = schedule(40);
    RedisClusterNode giverReplica = TestCluster.replicaOf(TestCluster.primaryOf(s.keys(keys, 2).activity()));
    assumeTrue(giverReplica != null, "the giver's primary has a replica (scripts/cluster up --replicas)");
    TestCluster.awaitInSync(giverReplica);

    // Stopped for well under the cluster's node timeout (2 s): nothing fails over, WAIT (0.3 s) falls short.
    long pid = processId(giverReplica);
    signal("STOP", pid);
    try {
      assertThatThrownBy(() -> transfers.move(s, 2, 0, null, 5, false).block(PATIENCE))
          .isInstanceOf(TransientDataAccessResourceException.class);
    } finally {
      signal("CONT", pid);
    }
    assertThat(stock(s, 2)).isEqualTo(5);
    assertThat(stock(s, 0)).isEqualTo(10);
    assertThat(redis.opsForHash().size(s.keys(keys, 2).transfersOut()).block(PATIENCE)).isEqualTo(1);

    assertThat(transfers.finishLeftBehind(s, Long.MAX_VALUE).block(PATIENCE)).isEqualTo(1);
    assertThat(stock(s, 0)).isEqualTo(15);
    assertThat(redis.opsForHash().size(s.keys(keys, 2).transfersOut()).block(PATIENCE)).isZero();
  }

  private Sharding schedule(int stock) {
    Activity a = scheduling.schedule("shop-1", new ActivityDraft("Lychees", Mode.STANDARD, 3, 2990L, 3990L, stock, 1,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1),
            List.of(), null, null, null, null, null, SHARDS))
        .block(PATIENCE);
    return shards.of(a.id()).block(PATIENCE);
  }

  private int stock(Sharding s, int bucket) {
    return Integer.parseInt(redis.<String, String>opsForHash().get(s.keys(keys, bucket).activity(), "stock")
        .block(PATIENCE));
  }

  private static long processId(RedisClusterNode node) {
    Matcher m = Pattern.compile("process_id:(\\d+)").matcher(TestCluster.on(node.getUri(), r -> r.info("server")));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).isTrue();
  }
}
