package dev.flashgroup.loadtest.verifier;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.KeySettings;
import dev.flashgroup.engine.keys.RedisKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the deployment under test lives, read from the same environment variables the
 * application uses (FLASHGROUP_DB_*, FLASHGROUP_REDIS_*, FLASHGROUP_MESSAGING_*), plus the
 * verifier's own (FLASHGROUP_API_URL, FLASHGROUP_VERIFY_TOKEN, FLASHGROUP_VERIFY_TIMEOUT).
 *
 * @param redisClusterNodes FLASHGROUP_REDIS_CLUSTER_NODES: a Redis Cluster's nodes (host:port), empty for one Redis
 * @param keys the engine's key names under FLASHGROUP_REDIS_NAMESPACE
 * @param activities the activities to check; empty means every activity in the database
 * @param acknowledged a file of order ids the load tool saw acknowledged (one a line), or null
 * @param apiUrl base URL of the API, or blank to skip the API's view
 */
public record VerifierSettings(
    String dbUrl, String dbUser, String dbPassword,
    String redisHost, int redisPort, String redisPassword, List<String> redisClusterNodes, RedisKeys keys,
    String mqHost, int mqPort, String mqUser, String mqPassword, String mqPrefix,
    String relayGroup, String apiUrl, String apiToken, Duration quietTimeout,
    List<Long> activities, Path acknowledged) {

  static VerifierSettings from(Map<String, String> env, List<String> args) {
    List<Long> activities = new ArrayList<>();
    Path acknowledged = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--acknowledged") && i + 1 < args.size()) {
        acknowledged = Path.of(args.get(++i));
      } else if (arg.matches("\\d+")) {
        activities.add(Long.parseLong(arg));
      } else {
        throw new IllegalArgumentException("unexpected argument '" + arg
            + "'; usage: verify [--acknowledged FILE] [ACTIVITY_ID...]");
      }
    }
    String dbHost = env.getOrDefault("FLASHGROUP_DB_HOST", "127.0.0.1");
    String dbPort = env.getOrDefault("FLASHGROUP_DB_PORT", "3306");
    String dbName = env.getOrDefault("FLASHGROUP_DB_NAME", "flashgroup");
    String port = env.getOrDefault("SERVER_PORT", "8080");
    return new VerifierSettings(
        "jdbc:mariadb://" + dbHost + ":" + dbPort + "/" + dbName,
        env.getOrDefault("FLASHGROUP_DB_USER", "root"),
        env.getOrDefault("FLASHGROUP_DB_PASSWORD", ""),
        env.getOrDefault("FLASHGROUP_REDIS_HOST", "127.0.0.1"),
        Integer.parseInt(env.getOrDefault("FLASHGROUP_REDIS_PORT", "6379")),
        env.getOrDefault("FLASHGROUP_REDIS_PASSWORD", ""),
        java.util.Arrays.stream(env.getOrDefault("FLASHGROUP_REDIS_CLUSTER_NODES", "").split(","))
            .map(String::strip).filter(n -> !n.isEmpty()).toList(),
        new RedisKeys(new KeySettings(env.getOrDefault("FLASHGROUP_REDIS_NAMESPACE", "fg"))),
        env.getOrDefault("FLASHGROUP_MESSAGING_HOST", "localhost"),
        Integer.parseInt(env.getOrDefault("FLASHGROUP_MESSAGING_PORT", "5672")),
        env.getOrDefault("FLASHGROUP_MESSAGING_USERNAME", "guest"),
        env.getOrDefault("FLASHGROUP_MESSAGING_PASSWORD", "guest"),
        env.getOrDefault("FLASHGROUP_MESSAGING_PREFIX", "flashgroup"),
        env.getOrDefault("FLASHGROUP_RELAY_CONSUMER_GROUP", "relay"),
        env.getOrDefault("FLASHGROUP_API_URL", "http://localhost:" + port),
        env.getOrDefault("FLASHGROUP_VERIFY_TOKEN", ""),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("FLASHGROUP_VERIFY_TIMEOUT", "60"))),
        List.copyOf(activities), acknowledged);
  }

  RedisKeys.ActivityKeys keys(long activity) {
    return keys.of(new ActivityId(activity));
  }

  /** The keys of each of the activity's buckets (the activity's own keys when it has one). */
  java.util.List<RedisKeys.ActivityKeys> buckets(long activity, int shards) {
    return keys.buckets(new ActivityId(activity), shards);
  }
}
