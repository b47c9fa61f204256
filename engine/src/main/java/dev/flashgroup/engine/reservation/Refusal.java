package dev.flashgroup.engine.reservation;

/** Why a reservation was turned down. The names are the stable codes the API shows. */
public enum Refusal {
  SOLD_OUT,
  GROUP_FULL,
  GROUP_CLOSED,
  ALREADY_IN_GROUP,
  LIMIT_REACHED,
  NOT_STARTED,
  ENDED,
  ACTIVITY_CANCELLED
}
