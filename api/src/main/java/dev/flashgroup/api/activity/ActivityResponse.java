package dev.flashgroup.api.activity;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.MerchantFigures;
import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.activity.Tier;
import java.time.Instant;
import java.util.List;

/**
 * An activity as its merchant sees it, with its figures when asked for one activity. {@code pickup}
 * is null for an activity without pickup points; its points carry their allocation and, with the
 * figures, the units still free at each. {@code talkingPoints} (for leaders' materials) is null when none;
 * {@code safetyStock} (low-stock alerts, activity and per point) too; on a sharded activity it applies to
 * each bucket's share. {@code shards}: the Redis buckets its stock is split into (docs/cluster.md, "Hot
 * activities: shards").
 */
record ActivityResponse(long id, String merchantId, String title, String mode, int groupSize, long groupPrice,
    long soloPrice, int stock, int perUserLimit, Instant startsAt, Instant endsAt, String groupTtl, String payWindow,
    String status, MerchantFigures figures, List<Tier> tiers, int virtualSuccessMissing, PickupView pickup,
    int leaderCommissionBps, String talkingPoints, Integer safetyStock, int shards) {

  /** Where the activity delivers: each point's allocation (库存分账), the window, perishable goods. */
  record PickupView(List<PointAllocation> points, Pickup.Window window, boolean perishable) {}

  /** A point's allocated units and, when known, those still free. */
  record PointAllocation(long pointId, int stock, Integer remaining, Integer safetyStock) {}

  static ActivityResponse of(Activity a, Instant now, MerchantFigures figures) {
    return new ActivityResponse(a.id().value(), a.merchantId(), a.title(), a.mode().name(), a.groupSize(),
        a.groupPrice(), a.soloPrice(), a.stock(), a.perUserLimit(), a.startsAt(), a.endsAt(),
        a.groupTtl().toString(), a.payWindow().toString(), a.statusAt(now).name(), figures, a.tiers(),
        a.virtualSuccessMissing(), pickup(a.pickup(), figures), a.leaderCommissionBps(),
        a.talkingPoints(), a.safetyStock(), a.shards());
  }

  private static PickupView pickup(Pickup pickup, MerchantFigures figures) {
    if (pickup == null) {
      return null;
    }
    List<PointAllocation> points = pickup.points().stream()
        .map(share -> new PointAllocation(share.pointId(), share.stock(),
            figures == null ? null : figures.pointsRemaining().get(share.pointId()), share.safetyStock()))
        .toList();
    return new PickupView(points, pickup.window(), pickup.perishable());
  }
}
