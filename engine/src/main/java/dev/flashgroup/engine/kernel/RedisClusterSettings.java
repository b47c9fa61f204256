package dev.flashgroup.engine.kernel;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A Redis Cluster to run on instead of the one Redis of {@code spring.data.redis.host/port}
 * ({@code FLASHGROUP_REDIS_CLUSTER_NODES=host:port,host:port}). Empty: standalone. See docs/cluster.md.
 *
 * @param nodes some of the cluster's nodes, {@code host:port}; Lettuce learns the rest from them
 * @param refreshPeriod how often Lettuce reads the cluster's topology again even when no
 *     {@code MOVED}/{@code ASK} redirect or reconnect made it (those refresh at once), so a failover
 *     or a resharding is followed
 * @param maxRedirects how many {@code MOVED}/{@code ASK} redirects one command follows
 * @param adaptiveRefreshGap the least time between two refreshes a redirect or reconnect starts
 *     (Lettuce's default, 30 s, is too long for a primary that dies: the reconnects to it start one
 *     refresh before its replica is promoted, and the next would come only from the periodic one)
 */
@ConfigurationProperties("flashgroup.redis.cluster")
public record RedisClusterSettings(
    @DefaultValue List<String> nodes,
    @DefaultValue("PT5S") Duration refreshPeriod,
    @DefaultValue("5") int maxRedirects,
    @DefaultValue("PT1S") Duration adaptiveRefreshGap) {

  public RedisClusterSettings {
    nodes = nodes == null ? List.of() : nodes.stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
    for (String node : nodes) {
      int colon = node.lastIndexOf(':');
      if (colon <= 0 || colon == node.length() - 1 || !node.substring(colon + 1).chars().allMatch(Character::isDigit)
          || node.length() > 255) {
        throw new IllegalArgumentException("flashgroup.redis.cluster.nodes: '" + node + "' is not host:port");
      }
    }
    if (refreshPeriod == null || refreshPeriod.isNegative() || refreshPeriod.isZero()) {
      throw new IllegalArgumentException("flashgroup.redis.cluster.refresh-period must be positive");
    }
    if (adaptiveRefreshGap == null || adaptiveRefreshGap.isNegative() || adaptiveRefreshGap.isZero()) {
      throw new IllegalArgumentException("flashgroup.redis.cluster.adaptive-refresh-gap must be positive");
    }
    if (maxRedirects < 1 || maxRedirects > 16) {
      throw new IllegalArgumentException("flashgroup.redis.cluster.max-redirects must be 1..16");
    }
  }

  public boolean enabled() {
    return !nodes.isEmpty();
  }
}
