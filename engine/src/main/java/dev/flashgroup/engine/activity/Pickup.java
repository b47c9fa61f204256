package dev.flashgroup.engine.activity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where an activity's buyers collect: its stock allocated across pickup points (库存分账), the
 * window in which orders are collected and whether the goods are perishable. Every reservation
 * of such an activity names one of the points and takes its unit from that point's share.
 */
public record Pickup(List<PointShare> points, Window window, boolean perishable) {

  public static final int MAX_POINTS = 50;

  /** A point's share of the stock, and the share at or below which it alerts (null: none). */
  public record PointShare(Long pointId, Integer stock, Integer safetyStock) {

    /** A share without a safety stock. */
    public PointShare(Long pointId, Integer stock) {
      this(pointId, stock, null);
    }
  }

  /** When the orders are collected; null instants are reported as violations. */
  public record Window(Instant from, Instant to) {}

  public Pickup {
    // Not List.copyOf: a share sent as null is a violation to report, not a reason to fail.
    points = points == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(points));
  }

  /** The allocation as warm_activity writes it: field 'point:<id>', value the share. */
  List<Long> pointIds() {
    return points.stream().map(PointShare::pointId).toList();
  }

  void check(List<ActivityDraft.Violation> found, Integer stock) {
    if (points.isEmpty() || points.size() > MAX_POINTS) {
      found.add(new ActivityDraft.Violation("pickup.points", "must list 1 to " + MAX_POINTS + " points"));
      return;
    }
    long sum = 0;
    boolean complete = true;
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      PointShare share = points.get(i);
      String field = "pickup.points[" + i + "]";
      if (share == null || share.pointId() == null || share.pointId() < 1) {
        found.add(new ActivityDraft.Violation(field + ".pointId", "must be a pickup point's id"));
        complete = false;
      } else if (seen.contains(share.pointId())) {
        found.add(new ActivityDraft.Violation(field + ".pointId", "lists point " + share.pointId() + " twice"));
      } else {
        seen.add(share.pointId());
      }
      if (share == null || share.stock() == null || share.stock() < 1 || share.stock() > ActivityDraft.MAX_STOCK) {
        found.add(new ActivityDraft.Violation(field + ".stock", "must be between 1 and " + ActivityDraft.MAX_STOCK));
        complete = false;
      } else {
        sum += share.stock();
        ActivityDraft.checkSafetyStock(found, field + ".safetyStock", share.safetyStock(), share.stock());
      }
    }
    if (complete && stock != null && sum != stock) {
      found.add(new ActivityDraft.Violation("stock", "must equal the sum of the points' stock (" + sum + ")"));
    }
    if (window != null) {
      if (window.from() == null || window.to() == null) {
        found.add(new ActivityDraft.Violation("pickup.window", "needs from and to as ISO-8601 instants"));
      } else if (!window.to().isAfter(window.from())) {
        found.add(new ActivityDraft.Violation("pickup.window.to", "must be after pickup.window.from"));
      } else if (window.to().isAfter(window.from().plus(ActivityDraft.MAX_TIMER))) {
        found.add(new ActivityDraft.Violation("pickup.window.to", "must be at most " + ActivityDraft.MAX_TIMER
            + " after pickup.window.from"));
      }
    }
  }
}
