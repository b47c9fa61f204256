package dev.flashgroup.loadtest.verifier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The Redis the verifier reads an activity from: the one Redis, or on a Redis Cluster
 * ({@code FLASHGROUP_REDIS_CLUSTER_NODES}) the primary serving the slot of the activity's hash tag,
 * where all of its keys are (so its SCANs and reads need no cluster client). The slot map is read
 * once, from {@code CLUSTER NODES}: the verifier runs once the system is quiet.
 */
final class RedisNodes implements AutoCloseable {

  private record Range(int from, int to, HostAndPort node) {}

  private final JedisClientConfig config;
  private final Jedis single;
  private final List<Range> slots = new ArrayList<>();
  private final Map<HostAndPort, Jedis> open = new HashMap<>();

  RedisNodes(VerifierSettings settings) {
    var builder = DefaultJedisClientConfig.builder().timeoutMillis(5000);
    if (!settings.redisPassword().isEmpty()) {
      builder.password(settings.redisPassword());
    }
    this.config = builder.build();
    if (settings.redisClusterNodes().isEmpty()) {
      single = new Jedis(new HostAndPort(settings.redisHost(), settings.redisPort()), config);
      return;
    }
    single = null;
    HostAndPort seed = HostAndPort.from(settings.redisClusterNodes().get(0));
    try (Jedis any = new Jedis(seed, config)) {
      for (String line : any.clusterNodes().split("\n")) {
        String[] f = line.strip().split(" ");
        if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
          continue;
        }
        String address = f[1].split("@")[0];
        HostAndPort node = HostAndPort.from(address.startsWith(":") ? seed.getHost() + address : address);
        for (int i = 8; i < f.length; i++) {
          if (f[i].startsWith("[")) {
            continue; // a slot being migrated
          }
          String[] r = f[i].split("-");
          slots.add(new Range(Integer.parseInt(r[0]), Integer.parseInt(r[r.length - 1]), node));
        }
      }
    }
  }

  /** The Redis holding {@code key} (for an activity's key: every key of that activity). */
  Jedis of(String key) {
    if (single != null) {
      return single;
    }
    int slot = JedisClusterCRC16.getSlot(key);
    HostAndPort node = slots.stream().filter(r -> r.from() <= slot && slot <= r.to()).map(Range::node)
        .findFirst().orElseThrow(() -> new IllegalStateException("no primary serves slot " + slot));
    return open.computeIfAbsent(node, n -> new Jedis(n, config));
  }

  @Override
  public void close() {
    if (single != null) {
      single.close();
    }
    open.values().forEach(Jedis::close);
  }
}
