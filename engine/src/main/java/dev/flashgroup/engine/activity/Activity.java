package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A flash group a merchant scheduled. Prices are in fen. For TIERED, {@code groupSize} is the
 * largest tier's size and {@code groupPrice} the smallest tier's price (what a member pays up
 * front); {@code tiers} is empty for the other modes. A group at most {@code virtualSuccessMissing}
 * paid members short at its deadline succeeds anyway. {@code cancelledAt} is null unless cancelled;
 * {@code pickup} is null for an activity without pickup points. {@code leaderCommissionBps} is what the
 * leader an order is attributed to earns on it, in basis points of what the buyer finally pays.
 * {@code safetyStock} is the stock at or below which a reservation raises a low-stock alert
 * (安全库存预警), null for none; each pickup point may have its own ({@link Pickup.PointShare}). On a
 * sharded activity each bucket checks it against its own share of the stock.
 * {@code shards} is how many Redis buckets its stock is split into (docs/cluster.md, "Hot
 * activities: shards"); fixed when the activity is created.
 */
public record Activity(
    ActivityId id,
    String merchantId,
    String title,
    Mode mode,
    int groupSize,
    long groupPrice,
    long soloPrice,
    int stock,
    int perUserLimit,
    Instant startsAt,
    Instant endsAt,
    Duration groupTtl,
    Duration payWindow,
    List<Tier> tiers,
    int virtualSuccessMissing,
    Instant cancelledAt,
    Pickup pickup,
    int leaderCommissionBps,
    String talkingPoints,
    Integer safetyStock,
    int shards) {

  public Activity {
    tiers = tiers == null ? List.of() : List.copyOf(tiers);
  }

  /** An activity without a safety stock, in one bucket (not sharded). */
  public Activity(ActivityId id, String merchantId, String title, Mode mode, int groupSize, long groupPrice,
      long soloPrice, int stock, int perUserLimit, Instant startsAt, Instant endsAt, Duration groupTtl,
      Duration payWindow, List<Tier> tiers, int virtualSuccessMissing, Instant cancelledAt, Pickup pickup,
      int leaderCommissionBps, String talkingPoints) {
    this(id, merchantId, title, mode, groupSize, groupPrice, soloPrice, stock, perUserLimit, startsAt, endsAt,
        groupTtl, payWindow, tiers, virtualSuccessMissing, cancelledAt, pickup, leaderCommissionBps, talkingPoints,
        null, 1);
  }

  /** An activity without talking points. */
  public Activity(ActivityId id, String merchantId, String title, Mode mode, int groupSize, long groupPrice,
      long soloPrice, int stock, int perUserLimit, Instant startsAt, Instant endsAt, Duration groupTtl,
      Duration payWindow, List<Tier> tiers, int virtualSuccessMissing, Instant cancelledAt, Pickup pickup,
      int leaderCommissionBps) {
    this(id, merchantId, title, mode, groupSize, groupPrice, soloPrice, stock, perUserLimit, startsAt, endsAt,
        groupTtl, payWindow, tiers, virtualSuccessMissing, cancelledAt, pickup, leaderCommissionBps, null);
  }

  Activity withPickup(Pickup allocation) {
    return new Activity(id, merchantId, title, mode, groupSize, groupPrice, soloPrice, stock, perUserLimit, startsAt,
        endsAt, groupTtl, payWindow, tiers, virtualSuccessMissing, cancelledAt, allocation, leaderCommissionBps,
        talkingPoints, safetyStock, shards);
  }

  Activity withShards(int count) {
    return new Activity(id, merchantId, title, mode, groupSize, groupPrice, soloPrice, stock, perUserLimit, startsAt,
        endsAt, groupTtl, payWindow, tiers, virtualSuccessMissing, cancelledAt, pickup, leaderCommissionBps,
        talkingPoints, safetyStock, count);
  }

  public boolean cancelled() {
    return cancelledAt != null;
  }

  public Status statusAt(Instant now) {
    if (cancelled()) {
      return Status.CANCELLED;
    }
    if (now.isBefore(startsAt)) {
      return Status.SCHEDULED;
    }
    return now.isBefore(endsAt) ? Status.RUNNING : Status.ENDED;
  }

  public enum Status {
    SCHEDULED, RUNNING, ENDED, CANCELLED
  }
}
