package dev.flashgroup.engine.kernel;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Switches Boot's Lettuce connection factory to the cluster client when
 * {@code flashgroup.redis.cluster.nodes} is set: Boot builds a cluster factory from a
 * {@code RedisClusterConfiguration} bean, and its cluster client options get adaptive topology
 * refresh (on MOVED, ASK, persistent reconnects) and a periodic one. Everything else (timeouts,
 * password, pool) stays Boot's {@code spring.data.redis.*}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ClusterConnection.ClusterNodesSet.class)
class ClusterConnection {

  @Bean
  org.springframework.data.redis.connection.RedisClusterConfiguration redisClusterConfiguration(
      RedisClusterSettings settings) {
    var cluster = new org.springframework.data.redis.connection.RedisClusterConfiguration(settings.nodes());
    cluster.setMaxRedirects(settings.maxRedirects());
    return cluster;
  }

  @Bean
  LettuceClientOptionsBuilderCustomizer clusterTopologyRefresh(RedisClusterSettings settings) {
    return builder -> {
      if (builder instanceof ClusterClientOptions.Builder cluster) {
        cluster.maxRedirects(settings.maxRedirects())
            .validateClusterNodeMembership(false)
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enableAllAdaptiveRefreshTriggers()
                .adaptiveRefreshTriggersTimeout(settings.adaptiveRefreshGap())
                .enablePeriodicRefresh(settings.refreshPeriod())
                .dynamicRefreshSources(true)
                .build());
      }
    };
  }

  /** True when {@code flashgroup.redis.cluster.nodes} names at least one node. */
  static final class ClusterNodesSet implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return Binder.get(context.getEnvironment()).bind("flashgroup.redis.cluster.nodes", String[].class)
          .map(nodes -> java.util.Arrays.stream(nodes).anyMatch(n -> !n.isBlank()))
          .orElse(false);
    }
  }
}
