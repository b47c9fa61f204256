package dev.flashgroup.api.reservation;

import dev.flashgroup.engine.reservation.Refusal;

/** Human-readable detail for each refusal code. */
final class RefusalText {

  private RefusalText() {}

  static String of(Refusal refusal) {
    return switch (refusal) {
      case SOLD_OUT -> "The activity is sold out";
      case GROUP_FULL -> "The group has no free place";
      case GROUP_CLOSED -> "The group no longer takes members";
      case ALREADY_IN_GROUP -> "You are already in this group";
      case LIMIT_REACHED -> "You hold as many units of this activity as one buyer may";
      case NOT_STARTED -> "The activity has not started yet";
      case MATCH_ONLY -> "Groups of this flash activity are formed by matching: use POST .../groups/match";
      case ENDED -> "The activity has ended";
      case ACTIVITY_CANCELLED -> "The merchant cancelled this activity";
      case PICKUP_POINT_REQUIRED -> "This activity delivers to pickup points: name one as pickupPointId";
      case PICKUP_POINT_NOT_SERVED -> "This activity does not deliver to that pickup point";
      case POINT_SOLD_OUT -> "That pickup point's share is sold out; another point may still have units";
      case PICKUP_POINT_CLOSED -> "That pickup point is closed; choose another one";
      case GROUP_IN_OTHER_SHARD -> "This hot activity is split into shards and the group is in another one than yours;"
          + " match into a group or open one instead";
    };
  }
}
