package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.keys.RedisKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The terms of one bucket of an activity split into {@code shards} buckets: the same terms with the
 * bucket's share of the stock and of each point's allocation, and {@code shards}/{@code bucket}
 * (reserve.lua numbers the bucket's ids from {@code bucket} in steps of {@code shards}). Each share
 * is the total divided evenly, the remainder one unit each to successive buckets, continuing from
 * one point to the next, so the buckets differ by at most one unit per point; a bucket's stock is
 * the sum of its points' shares, as in any activity with points. A safety stock (the activity's and
 * each point's) is split the same way, so each bucket alerts when its own remaining reaches its share.
 * Each point's share is also written as the bucket's {@code point_total:<id>} (its allocation there).
 */
final class BucketTerms {

  private BucketTerms() {}

  static List<String> of(Activity a, List<String> terms, int bucket) {
    int n = a.shards();
    Map<String, String> replaced = new HashMap<>();
    long stock;
    if (a.pickup() == null) {
      stock = share(a.stock(), bucket, n, 0);
    } else {
      stock = 0;
      int offset = 0;
      for (Pickup.PointShare point : a.pickup().points()) {
        long mine = share(point.stock(), bucket, n, offset);
        replaced.put(RedisKeys.ActivityKeys.pointStockField(point.pointId()), Long.toString(mine));
        replaced.put(RedisKeys.ActivityKeys.pointTotalField(point.pointId()), Long.toString(mine));
        stock += mine;
        offset = (offset + point.stock() % n) % n;
      }
    }
    return with(a, terms, bucket, stock, replaced);
  }

  /**
   * The bucket's terms with the stock and each point's share given ({@code point:<id>} fields in
   * {@code points}), as a rebuild writes them.
   */
  static List<String> of(Activity a, List<String> terms, int bucket, long stock, Map<Long, Long> points) {
    Map<String, String> replaced = new HashMap<>();
    points.forEach((point, units) -> {
      replaced.put(RedisKeys.ActivityKeys.pointStockField(point), Long.toString(units));
      replaced.put(RedisKeys.ActivityKeys.pointTotalField(point), Long.toString(units));
    });
    return with(a, terms, bucket, stock, replaced);
  }

  private static List<String> with(Activity a, List<String> terms, int bucket, long stock,
      Map<String, String> replaced) {
    int n = a.shards();
    replaced.put("stock", Long.toString(stock));
    replaced.put("stock_total", Long.toString(stock));
    safetyShares(a, bucket, replaced);
    List<String> mine = new ArrayList<>(terms.size() + 4);
    for (int i = 0; i + 1 < terms.size(); i += 2) {
      mine.add(terms.get(i));
      mine.add(replaced.getOrDefault(terms.get(i), terms.get(i + 1)));
    }
    mine.addAll(List.of("shards", Integer.toString(n), "bucket", Integer.toString(bucket)));
    // The bucket's allocation at each point (point_total:<id>, SCHEMA.md): what a rebuild of another
    // bucket reads as this one's holding there, with no MySQL.
    replaced.forEach((field, value) -> {
      if (field.startsWith(RedisKeys.ActivityKeys.POINT_TOTAL_PREFIX)) {
        mine.addAll(List.of(field, value));
      }
    });
    return mine;
  }

  /** The bucket's share of each safety stock set (activity, points), split like the stock. */
  private static void safetyShares(Activity a, int bucket, Map<String, String> replaced) {
    int n = a.shards();
    if (a.safetyStock() != null) {
      replaced.put(RedisKeys.ActivityKeys.SAFETY_STOCK, Long.toString(share(a.safetyStock(), bucket, n, 0)));
    }
    if (a.pickup() == null) {
      return;
    }
    int offset = 0;
    for (Pickup.PointShare point : a.pickup().points()) {
      if (point.safetyStock() != null) {
        replaced.put(RedisKeys.ActivityKeys.pointSafetyStockField(point.pointId()),
            Long.toString(share(point.safetyStock(), bucket, n, offset)));
      }
      offset = (offset + point.stock() % n) % n;
    }
  }

  /** Bucket {@code b}'s part of {@code total}: an even share, plus one of the remainder's units. */
  static long share(long total, int b, int n, int offset) {
    return total / n + (Math.floorMod(b - offset, n) < total % n ? 1 : 0);
  }
}
