package dev.flashgroup.engine.shard;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.util.List;

/**
 * How an activity's stock is split into buckets (docs/cluster.md, "Hot activities: shards"). A
 * buyer belongs to one bucket, their home, chosen by a hash of their id: every OPEN, MATCH and SOLO
 * of theirs runs there, so their quota is one hash and the per-user limit one atomic check. An
 * order or group id ({@code 42-17}) names its bucket by its sequence: bucket b numbers b + N,
 * b + 2N, ... (reserve.lua steps {@code seq} by the activity's {@code shards}).
 */
public record Sharding(ActivityId activity, int shards) {

  public Sharding {
    if (shards < 1) {
      throw new IllegalArgumentException("an activity has at least one bucket");
    }
  }

  public static Sharding single(ActivityId activity) {
    return new Sharding(activity, 1);
  }

  public boolean sharded() {
    return shards > 1;
  }

  /** The buyer's home bucket: a fixed function of the id, the same on every instance and after a rebuild. */
  public int home(String buyer) {
    int h = buyer.hashCode();
    // String.hashCode is fixed by the language; the mix spreads ids that differ in their last characters.
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return Math.floorMod(h, shards);
  }

  /** The bucket of an order or group id of this activity ({@code 42-17}: sequence 17). */
  public int bucketOf(String childId) {
    long sequence = Long.parseLong(childId.substring(childId.indexOf('-') + 1));
    return (int) Math.floorMod(sequence, (long) shards);
  }

  public RedisKeys.ActivityKeys keys(RedisKeys keys, int bucket) {
    return sharded() ? keys.of(activity, bucket) : keys.of(activity);
  }

  public RedisKeys.ActivityKeys keysOf(RedisKeys keys, String childId) {
    return keys(keys, sharded() ? bucketOf(childId) : 0);
  }

  public List<RedisKeys.ActivityKeys> all(RedisKeys keys) {
    return keys.buckets(activity, shards);
  }
}
