package dev.flashgroup.engine.support;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The test cluster's nodes as {@code CLUSTER NODES} shows them, for tests that fail a primary over
 * to its replica ({@code scripts/cluster up --replicas}). Every command goes on a connection of its
 * own to the one node it names.
 */
public final class TestCluster {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private TestCluster() {}

  /**
   * CLUSTER FAILOVER on a replica once it is in sync with its primary (a replica that is not yet
   * refuses in silence: the failover times out), asked again until it is a primary every node
   * agrees on.
   */
  public static void failover(RedisClusterNode replica) {
    awaitInSync(replica);
    await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(5)).until(() -> {
      if (!"master".equals(role(replica))) {
        on(replica.getUri(), redis -> redis.clusterFailover(false));
        return false;
      }
      return nodes().stream().allMatch(n -> on(n.getUri(), redis -> redis.clusterInfo()).contains("cluster_state:ok"));
    });
  }

  /** Until the replica's link to its primary is up (a WAIT on the primary counts it from then). */
  public static void awaitInSync(RedisClusterNode replica) {
    await().atMost(PATIENCE).until(() -> on(replica.getUri(), redis -> redis.info("replication"))
        .contains("master_link_status:up"));
  }

  public static String role(RedisClusterNode node) {
    return on(node.getUri(), redis -> String.valueOf(redis.role().get(0)));
  }

  public static List<RedisClusterNode> nodes() {
    return partitions().getPartitions();
  }

  /** The topology as a node's {@code CLUSTER NODES} shows it now. */
  public static Partitions partitions() {
    RedisURI first = RedisURI.create("redis://" + TestRedis.clusterNodes().get(0));
    return on(first, redis -> ClusterPartitionParser.parse(redis.clusterNodes()));
  }

  /** One command on one node, on a connection of its own. */
  public static <T> T on(RedisURI node, Function<RedisCommands<String, String>, T> command) {
    RedisClient client = RedisClient.create(RedisURI.create(node.getHost(), node.getPort()));
    try (var connection = client.connect()) {
      return command.apply(connection.sync());
    } finally {
      client.shutdown();
    }
  }

  public static RedisClusterNode primaryOf(String key) {
    int slot = SlotHash.getSlot(key);
    return nodes().stream().filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM) && n.hasSlot(slot))
        .findFirst().orElseThrow();
  }

  /** The primary's replica, or null when it has none. */
  public static RedisClusterNode replicaOf(RedisClusterNode primary) {
    return nodes().stream().filter(n -> primary.getNodeId().equals(n.getSlaveOf())).findFirst().orElse(null);
  }
}
