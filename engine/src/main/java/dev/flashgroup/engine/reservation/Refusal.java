package dev.flashgroup.engine.reservation;

/** Why a reservation was turned down. The names are the stable codes the API shows. */
public enum Refusal {
  SOLD_OUT,
  GROUP_FULL,
  GROUP_CLOSED,
  ALREADY_IN_GROUP,
  LIMIT_REACHED,
  NOT_STARTED,
  /** A FLASH activity matches buyers into groups: it takes no group opened by hand. */
  MATCH_ONLY,
  ENDED,
  ACTIVITY_CANCELLED,
  /** The activity delivers to pickup points: the reservation must name one (a bad request, 400). */
  PICKUP_POINT_REQUIRED,
  /** The named point is not one the activity delivers to. */
  PICKUP_POINT_NOT_SERVED,
  /** The named point's allocation is gone while other points still have units. */
  POINT_SOLD_OUT,
  /** The named point was deactivated: its orders still collect there, no new one names it. */
  PICKUP_POINT_CLOSED,
  /**
   * The activity is split into buckets and the group lives in another bucket than the buyer's home
   * (where their per-user limit is counted): the buyer may match or open a group instead.
   */
  GROUP_IN_OTHER_SHARD
}
