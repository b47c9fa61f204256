package dev.flashgroup.engine.keys;

import dev.flashgroup.engine.kernel.ActivityId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The one place Redis key names are built. Every key of an activity carries the activity's hash
 * tag ({@code {a42}}), so a Lua script touching them runs in a single Redis Cluster slot. The
 * scripts get the fixed keys as KEYS and derive an order's or a group's key from
 * {@link ActivityKeys#prefix()} with lib/shared.lua's {@code order_key}, {@code group_key} and
 * {@code group_members_key}, which build the same strings as {@link ActivityKeys#order},
 * {@link ActivityKeys#group} and {@link ActivityKeys#groupMembers} (SharedKeysScriptTest). The keys,
 * their fields and who touches them: {@code lua/SCHEMA.md}. It needs nothing of Spring but the
 * annotation, which the JVM ignores when Spring is absent: the verifier (loadtest) builds its keys
 * with it.
 */
@Component
public class RedisKeys {

  private final String namespace;

  public RedisKeys(KeySettings settings) {
    this.namespace = settings.namespace();
  }

  public ActivityKeys of(ActivityId activity) {
    return new ActivityKeys(namespace + ":{a" + activity.value() + "}:");
  }

  /**
   * How many sets the warm activities are spread over ({@link #warmActivities(int)}), so on a Redis
   * Cluster no one slot holds the set every instance reads.
   */
  public static final int WARM_SHARDS = 16;

  /**
   * One of the {@link #WARM_SHARDS} sets of stream prefixes that are warm in Redis; the relay, the
   * sweepers and the warmer walk them all. A member is the body of a prefix's hash tag without its
   * {@code a}: {@code 42} for {@code fg:{a42}:}, {@code 42.3} for a bucket's {@code fg:{a42.3}:}.
   */
  public String warmActivities(int shard) {
    if (shard < 0 || shard >= WARM_SHARDS) {
      throw new IllegalArgumentException("warm shard must be 0.." + (WARM_SHARDS - 1));
    }
    return namespace + ":live:{" + shard + "}";
  }

  /** The warm set an activity's members (its own and its buckets') are in. */
  public String warmActivities(ActivityId activity) {
    return warmActivities((int) (activity.value() % WARM_SHARDS));
  }

  /**
   * The keys a member of the warm set names: {@code 42} an activity's own, {@code 42.3} bucket 3 of
   * a sharded one (the body of the keys' hash tag, {@link ActivityKeys#tag()}).
   *
   * @throws IllegalArgumentException for a member that is neither
   */
  public ActivityKeys streamOf(String member) {
    activityOf(member);
    return new ActivityKeys(namespace + ":{a" + member + "}:");
  }

  /**
   * The activity a warm-set member ({@code 42} or {@code 42.3}) belongs to.
   *
   * @throws IllegalArgumentException for a member that is neither
   */
  public static ActivityId activityOf(String member) {
    if (member == null || member.isEmpty() || member.length() > 24) {
      throw new IllegalArgumentException("not a warm-set member: " + member);
    }
    int dot = member.indexOf('.');
    String activity = dot < 0 ? member : member.substring(0, dot);
    String bucket = dot < 0 ? "0" : member.substring(dot + 1);
    if (activity.isEmpty() || activity.length() > 18 || !activity.chars().allMatch(Character::isDigit)
        || bucket.isEmpty() || bucket.length() > 4 || !bucket.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("not a warm-set member: " + member);
    }
    return new ActivityId(Long.parseLong(activity));
  }

  /**
   * Keys of bucket {@code bucket} of an activity split into buckets (docs/cluster.md, "Hot
   * activities: shards"): the hash tag {@code {a42.3}} puts each bucket in a slot of its own, so the
   * buckets spread over a cluster's primaries. An activity in one bucket uses {@link #of(ActivityId)}.
   */
  public ActivityKeys of(ActivityId activity, int bucket) {
    if (bucket < 0) {
      throw new IllegalArgumentException("bucket must not be negative");
    }
    return new ActivityKeys(namespace + ":{a" + activity.value() + "." + bucket + "}:");
  }

  /** The keys of each of an activity's {@code shards} buckets, bucket 0 first; one bucket is {@link #of(ActivityId)}. */
  public List<ActivityKeys> buckets(ActivityId activity, int shards) {
    if (shards <= 1) {
      return List.of(of(activity));
    }
    List<ActivityKeys> all = new ArrayList<>(shards);
    for (int b = 0; b < shards; b++) {
      all.add(of(activity, b));
    }
    return all;
  }

  /**
   * Pub/sub channel on which every script that gives units back to an activity's stock publishes
   * the activity id, so instances drop what they knew about it being sold out.
   */
  public String restockChannel() {
    return namespace + ":restock";
  }

  /**
   * Active pickup points by their GCJ-02 coordinates (a GEO set, member = point id), for the
   * nearest-point search. MySQL is the record: the set is rebuilt from it at start-up.
   */
  public String pickupPoints() {
    return namespace + ":points:geo";
  }

  /**
   * Bad pickup codes one subject (a point's staff) tried in the current window (count_bad_code.lua):
   * one counter for every instance. The subject is bounded to [A-Za-z0-9._:-]{1,64}.
   */
  public String badPickupCodes(String subject) {
    return namespace + ":pickup_attempts:" + subject;
  }

  /** Unique viewers of any activity on one day (a HyperLogLog; analytics' ViewerCounter). */
  public String viewers(java.time.LocalDate day) {
    return namespace + ":viewers:" + day;
  }

  /** Refund numbers the sandbox gateway has paid out, with their amounts. */
  public String sandboxRefunds() {
    return namespace + ":sandbox:refunds";
  }

  /** Keys of one activity. {@link #prefix()} is handed to Lua, which derives order and group keys from it. */
  public record ActivityKeys(String prefix) {

    public String activity() {
      return prefix + "activity";
    }

    public String quota() {
      return prefix + "quota";
    }

    public String paymentDeadlines() {
      return prefix + "pay_due";
    }

    public String groupDeadlines() {
      return prefix + "group_due";
    }

    /** Open groups with free slots, scored by free slots (the joinable list). */
    public String openGroups() {
      return prefix + "open";
    }

    public String events() {
      return prefix + "events";
    }

    /** Unique viewers of the activity's page (a HyperLogLog fed by analytics' ViewerCounter). */
    public String viewers() {
      return prefix + "viewers";
    }

    /** Unique viewers of the activity's page on one day (a HyperLogLog). */
    public String viewers(java.time.LocalDate day) {
      return prefix + "viewers:" + day;
    }

    /** Collectable orders by the end of their current pickup window (roll_over_pickups takes them). */
    public String pickupDeadlines() {
      return prefix + "pickup_due";
    }

    /** Pickup reminders ({@code <order id>:<window>:<kind>}) by the time they are due (take_reminders). */
    public String pickupReminders() {
      return prefix + "reminders";
    }

    /**
     * The field of {@link #activity()} holding a point's default pickup window, {@code from:to} in
     * epoch ms (lib/shared.lua's {@code window_field}).
     */
    public static String pointWindowField(long pointId) {
      return "window:" + pointId;
    }

    /**
     * The field of {@link #activity()} holding a pickup point's remaining allocation (lib/shared.lua's
     * {@code point_stock_field}): in the activity's own hash, so reserve takes it with the stock.
     */
    public static String pointStockField(long pointId) {
      return POINT_STOCK_PREFIX + pointId;
    }

    /**
     * The field of {@link #activity()} marking a deactivated pickup point closed (lib/shared.lua's
     * {@code point_closed_field}): reserve reads it with the point's share, in the same HMGET.
     */
    public static String pointClosedField(long pointId) {
      return "closed:" + pointId;
    }

    /**
     * The activity hash field of the activity's safety stock (low-stock alerts; absent: none), as
     * lib/shared.lua's safety_stock_field('') names it.
     */
    public static final String SAFETY_STOCK = "safety_stock";

    /** A pickup point's safety stock in the activity hash (lib/shared.lua's safety_stock_field). */
    public static String pointSafetyStockField(long pointId) {
      return SAFETY_STOCK + ":" + pointId;
    }

    /** What every {@link #pointStockField} starts with. */
    public static final String POINT_STOCK_PREFIX = "point:";

    /**
     * The field of a bucket's {@link #activity()} holding its allocation at a pickup point, for sale
     * or held by its orders (lib/shared.lua's {@code point_total_field}): changed by warming, edits,
     * stock transfers and a rebuild only, so total less {@link #pointStockField} is what the
     * bucket's orders hold there.
     */
    public static String pointTotalField(long pointId) {
      return POINT_TOTAL_PREFIX + pointId;
    }

    /** What every {@link #pointTotalField} starts with. */
    public static final String POINT_TOTAL_PREFIX = "point_total:";

    /** The field of a bucket's {@link #activity()} holding its rebuild epoch (absent: 0, never rebuilt). */
    public static final String EPOCH = "epoch";

    /**
     * The field of a bucket's {@link #activity()} holding the epoch of bucket {@code bucket} it knows
     * (lib/shared.lua's {@code giver_epoch_field}): give_stock.lua refuses a transfer taken earlier.
     */
    public static String giverEpochField(int bucket) {
      return "giver_epoch:" + bucket;
    }

    /** What every order hash's name starts with: {@link #order} is it followed by the order id. */
    public String orders() {
      return prefix + "o:";
    }

    public String order(String orderId) {
      return orders() + orderId;
    }

    /** What every group hash's (and group members hash's) name starts with. */
    public String groups() {
      return prefix + "g:";
    }

    public String group(String groupId) {
      return groups() + groupId;
    }

    public String groupMembers(String groupId) {
      return group(groupId) + ":members";
    }

    /** Stock changes already applied (change id → stock total after it), so a retry adds nothing twice. */
    public String stockChanges() {
      return prefix + "stock_changes";
    }

    /** Allocation moves already applied (change id → the move), so a retry moves nothing twice. */
    public String allocationChanges() {
      return prefix + "allocation_changes";
    }

    /**
     * The stored answer to one buyer's Idempotency-Key. The buyer's id is length-prefixed, so no
     * two (buyer, key) pairs share a name whatever characters either holds ({@code kA} with
     * {@code x:k9} and {@code kA:x} with {@code k9} used to).
     */
    public String idempotency(String buyer, String key) {
      return prefix + "idem:" + buyer.length() + ":" + buyer + ":" + key;
    }

    /** Where retire_activity.lua keeps its place while it checks and expires the activity in batches. */
    public String retirement() {
      return prefix + "retiring";
    }

    /**
     * rebuild_activity.lua's lock and place while it rebuilds a lost activity from MySQL: owner,
     * units held so far (a lease, PEXPIRE); gone once the activity is live again.
     */
    public String rebuild() {
      return prefix + "rebuild";
    }

    /** Payment deadlines written by a rebuild, renamed to {@link #paymentDeadlines()} when it finishes. */
    public String stagedPaymentDeadlines() {
      return prefix + "rebuild:pay_due";
    }

    /** Group deadlines written by a rebuild, renamed to {@link #groupDeadlines()} when it finishes. */
    public String stagedGroupDeadlines() {
      return prefix + "rebuild:group_due";
    }

    /** The joinable list written by a rebuild, renamed to {@link #openGroups()} when it finishes. */
    public String stagedOpenGroups() {
      return prefix + "rebuild:open";
    }

    /** Pickup windows' ends written by a rebuild, renamed to {@link #pickupDeadlines()} when it finishes. */
    public String stagedPickupDeadlines() {
      return prefix + "rebuild:pickup_due";
    }

    /** Pickup reminders written by a rebuild, renamed to {@link #pickupReminders()} when it finishes. */
    public String stagedPickupReminders() {
      return prefix + "rebuild:reminders";
    }

    /**
     * Stock transfers this bucket gave away and has not yet seen arrive (transfer id →
     * {@code to|point|units|at}): take_stock.lua writes it, the transfer's end deletes it, and the
     * rebalancer finishes one left behind (docs/cluster.md, "Hot activities: shards").
     */
    public String transfersOut() {
      return prefix + "transfers_out";
    }

    /**
     * A sharded activity's rebalancing lease, in bucket 0 (the instance rebalancing it, PX
     * {@code flashgroup.shards.rebalance-every}): one rebalancing round per activity at a time,
     * whatever the number of instances.
     */
    public String rebalancing() {
      return prefix + "rebalancing";
    }

    /** Stock transfers this bucket received (transfer id → units), so give_stock.lua adds each once. */
    public String transfersIn() {
      return prefix + "transfers_in";
    }

    /**
     * Present (the rebuilder's owner token, PX) while a rebuild of another bucket reads this one:
     * take_stock.lua and give_stock.lua move nothing from or to it (freeze_transfers.lua).
     */
    public String transfersFrozen() {
      return prefix + "transfers_frozen";
    }

    /** The body of this prefix's hash tag: {@code 42} or {@code 42.3}, the warm set's member for it. */
    public String tag() {
      return prefix.substring(prefix.indexOf("{a") + 2, prefix.indexOf('}'));
    }

    /** A buyer's reservation attempts in the current second (reserve.lua counts them). */
    public String attempts(String buyer) {
      return prefix + "attempts:" + buyer;
    }
  }
}
