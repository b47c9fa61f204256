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
  ACTIVITY_CANCELLED
}
