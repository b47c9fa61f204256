package dev.flashgroup.loadtest.verifier;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What Redis, the live truth during the spike, holds about one activity: the activity hash's
 * counters and every order and group hash, exactly as the Lua scripts wrote them.
 *
 * @param warm whether the activity hash exists (it does not before warming, or after expiry)
 * @param rebuiltSeq the sequence a rebuild from MySQL resumed at (0 when never rebuilt): the numbers
 *     below it that MySQL never saw belong to orders lost with Redis
 */
record LiveState(boolean warm, int stock, long seq, long rebuiltSeq, Map<String, Order> orders,
    Map<String, Group> groups, Map<Long, Integer> pointStock) {

  /** {@code point} is the order's pickup point, empty without points. */
  record Order(String id, String status, String groupId, int version, String point) {}

  record Group(String id, String status, int size, int members, int paid, int version) {}

  /**
   * A sharded activity's buckets read one by one (each from the node holding its slot) and added up (stock, point shares, orders and
   * groups); its numbering is each bucket's numbers summed ({@link #handedOut}), as reserve.lua
   * steps a bucket's {@code seq} by the shard count from its index (or from where a rebuild resumed).
   */
  static LiveState read(RedisNodes redis, List<RedisKeys.ActivityKeys> buckets) {
    if (buckets.size() == 1) {
      return read(redis.of(buckets.get(0).activity()), buckets.get(0));
    }
    boolean warm = true;
    int stock = 0;
    long numbers = 0;
    Map<String, Order> orders = new HashMap<>();
    Map<String, Group> groups = new HashMap<>();
    Map<Long, Integer> pointStock = new HashMap<>();
    for (int b = 0; b < buckets.size(); b++) {
      LiveState bucket = read(redis.of(buckets.get(b).activity()), buckets.get(b));
      warm &= bucket.warm();
      stock += bucket.stock();
      numbers += bucket.warm() ? handedOut(bucket, b, buckets.size()) : 0;
      orders.putAll(bucket.orders());
      groups.putAll(bucket.groups());
      bucket.pointStock().forEach((point, left) -> pointStock.merge(point, left, Integer::sum));
    }
    return new LiveState(warm, stock, numbers, 0, orders, groups, pointStock);
  }

  /**
   * The numbers a bucket handed out: from its index in steps of the shard count, or, once rebuilt,
   * the ones it holds from before (those MySQL never saw were lost) and every one from the rebuild on.
   */
  private static long handedOut(LiveState bucket, int index, int shards) {
    if (bucket.rebuiltSeq() == 0) {
      return (bucket.seq() - index) / shards;
    }
    long before = java.util.stream.Stream.concat(bucket.orders().keySet().stream(), bucket.groups().keySet().stream())
        .filter(id -> Long.parseLong(id.substring(id.indexOf('-') + 1)) <= bucket.rebuiltSeq()).count();
    return before + (bucket.seq() - bucket.rebuiltSeq()) / shards;
  }

  static LiveState read(Jedis redis, RedisKeys.ActivityKeys keys) {
    Map<String, String> activity = redis.hgetAll(keys.activity());
    if (activity.isEmpty()) {
      return new LiveState(false, 0, 0, 0, Map.of(), Map.of(), Map.of());
    }
    Map<String, Order> orders = new HashMap<>();
    for (Map.Entry<String, Map<String, String>> e : hashes(redis, keys.orders()).entrySet()) {
      Map<String, String> o = e.getValue();
      orders.put(e.getKey(), new Order(e.getKey(), o.get("status"), o.getOrDefault("group", ""),
          Integer.parseInt(o.getOrDefault("version", "0")), o.getOrDefault("point", "")));
    }
    Map<String, Group> groups = new HashMap<>();
    for (Map.Entry<String, Map<String, String>> e : hashes(redis, keys.groups()).entrySet()) {
      Map<String, String> g = e.getValue();
      groups.put(e.getKey(), new Group(e.getKey(), g.get("status"), number(g, "size"), number(g, "members"),
          number(g, "paid"), number(g, "version")));
    }
    // Each pickup point's remaining share: the activity hash's 'point:<id>' fields.
    Map<Long, Integer> pointStock = new HashMap<>();
    String marker = RedisKeys.ActivityKeys.POINT_STOCK_PREFIX;
    activity.forEach((field, value) -> {
      if (field.startsWith(marker)) {
        pointStock.put(Long.parseLong(field.substring(marker.length())), Integer.parseInt(value));
      }
    });
    return new LiveState(true, number(activity, "stock"), Long.parseLong(activity.getOrDefault("seq", "0")),
        Long.parseLong(activity.getOrDefault("rebuilt_seq", "0")), orders, groups, pointStock);
  }

  /**
   * Every order or group hash under {@code keyPrefix}, by its id; read with one pipeline per scan
   * page. A name whose rest is not an order or group id ({@code 42-17}) is another key, such as a
   * group's members hash ({@code <group key>:members}), and is left out.
   */
  private static Map<String, Map<String, String>> hashes(Jedis redis, String keyPrefix) {
    Map<String, Map<String, String>> found = new HashMap<>();
    ScanParams params = new ScanParams().match(keyPrefix.replace("[", "\\[") + "*").count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = redis.scan(cursor, params);
      cursor = page.getCursor();
      List<String> keys = page.getResult().stream()
          .filter(k -> ActivityId.owning(k.substring(keyPrefix.length())).isPresent()).toList();
      Pipeline pipeline = redis.pipelined();
      List<Response<Map<String, String>>> replies = new ArrayList<>();
      for (String key : keys) {
        replies.add(pipeline.hgetAll(key));
      }
      pipeline.sync();
      for (int i = 0; i < keys.size(); i++) {
        found.put(keys.get(i).substring(keyPrefix.length()), replies.get(i).get());
      }
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return found;
  }

  private static int number(Map<String, String> hash, String field) {
    return Integer.parseInt(hash.getOrDefault(field, "0"));
  }

  long heldAt(long point) {
    String id = Long.toString(point);
    return orders.values().stream().filter(o -> id.equals(o.point()) && Invariants.HOLDING.contains(o.status())).count();
  }

  long held() {
    return orders.values().stream().filter(o -> Invariants.HOLDING.contains(o.status())).count();
  }
}
