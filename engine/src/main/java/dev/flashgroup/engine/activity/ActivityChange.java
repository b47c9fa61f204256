package dev.flashgroup.engine.activity;

/** What became of a merchant's change to an activity. Refusals are expected outcomes, not exceptions. */
public sealed interface ActivityChange {

  /** The change is in MySQL and, when the activity is warm, in Redis. */
  record Changed(Activity activity) implements ActivityChange {}

  /** Stock was added; {@code remainingStock} is what is for sale now. */
  record Restocked(Activity activity, int remainingStock) implements ActivityChange {}

  /** Units moved between two pickup points: each point's share (MySQL) and what is still free of it (Redis). */
  record Reallocated(Activity activity, PointFigures from, PointFigures to) implements ActivityChange {}

  /** A pickup point's share of the stock and the part of it not held by live orders. */
  record PointFigures(long pointId, int stock, int remaining) {}

  record Refused(Reason reason) implements ActivityChange {}

  /** Why a change was turned down. The names are the stable codes the API shows. */
  enum Reason {
    /** Terms can only be edited before the start. */
    ACTIVITY_STARTED,
    ACTIVITY_CANCELLED,
    ACTIVITY_ENDED,
    /** The stock change's Idempotency-Key came before with other units (or another move). */
    IDEMPOTENCY_KEY_REUSED,
    /** The activity has no pickup allocation to move. */
    NOT_ALLOCATED,
    /** A point of the move is not one the activity delivers to. */
    PICKUP_POINT_NOT_SERVED,
    /** The point units would move to is deactivated (closed in the warm activity). */
    POINT_CLOSED,
    /** The point units are moved from has fewer free units. */
    NOT_ENOUGH_UNITS,
    /** Stock added to an activity with pickup points would belong to no point: it is refused. */
    ALLOCATED_PER_POINT,
    /** An edit names another bucket count: {@code shards} is fixed when the activity is created. */
    SHARDS_FIXED,
    /**
     * Stock added to, or allocation moved in, an activity split into buckets: not supported (each
     * bucket keeps its own share; docs/cluster.md, "Hot activities: shards").
     */
    SHARDED_ACTIVITY
  }
}
