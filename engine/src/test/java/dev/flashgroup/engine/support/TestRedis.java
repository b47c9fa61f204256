package dev.flashgroup.engine.support;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import java.util.Arrays;
import java.util.List;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis a test talks to outside an application context: the local one, or the Redis Cluster of
 * {@code FLASHGROUP_REDIS_CLUSTER_NODES} when the suite runs on a cluster. Nothing here flushes a
 * database: a test's keys are deleted by their namespace's pattern, on every primary.
 */
public final class TestRedis {

  private TestRedis() {}

  public static boolean cluster() {
    return !Isolation.REDIS_CLUSTER_NODES.isBlank();
  }

  public static List<String> clusterNodes() {
    return Arrays.stream(Isolation.REDIS_CLUSTER_NODES.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
  }

  /** A started connection factory (the caller destroys it). */
  public static LettuceConnectionFactory factory() {
    LettuceConnectionFactory factory = cluster()
        ? new LettuceConnectionFactory(new RedisClusterConfiguration(clusterNodes()))
        : new LettuceConnectionFactory(new RedisStandaloneConfiguration(Isolation.REDIS_HOST, Isolation.REDIS_PORT));
    factory.afterPropertiesSet();
    factory.start();
    return factory;
  }

  /** Deletes every key matching {@code pattern}: a SCAN of the whole keyspace (every primary on a cluster). */
  public static void deleteKeys(String pattern) {
    if (cluster()) {
      RedisClusterClient client = RedisClusterClient.create(clusterNodes().stream()
          .map(n -> RedisURI.create("redis://" + n)).toList());
      try (var connection = client.connect()) {
        delete(connection.sync(), pattern);
      } finally {
        client.shutdown();
      }
    } else {
      RedisClient client = RedisClient.create(RedisURI.create(Isolation.REDIS_HOST, Isolation.REDIS_PORT));
      try (var connection = client.connect()) {
        delete(connection.sync(), pattern);
      } finally {
        client.shutdown();
      }
    }
  }

  private static void delete(RedisKeyCommands<String, String> redis, String pattern) {
    ScanCursor cursor = ScanCursor.INITIAL;
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
    do {
      KeyScanCursor<String> page = redis.scan(cursor, args);
      // One DEL per key: on a cluster the keys of a page are of many slots.
      page.getKeys().forEach(redis::del);
      cursor = page;
    } while (!cursor.isFinished());
  }
}
