package dev.flashgroup.api.group;

import dev.flashgroup.engine.activity.Activity;
import java.time.Duration;
import java.time.Instant;

/**
 * What a share of a whole activity says (a leader's 素材库 shares activities, not one group): the
 * mini-program path that opens the activity, the card and the poster, each with the sharer as referrer.
 */
record ActivityShare(Activity activity, String sharer, ShareSettings settings) {

  String path() {
    return settings.activityPage() + "?activityId=" + activity.id().value() + Referrers.query("&", sharer);
  }

  /** The share card's address: whoever fetches it with their token is its sharer. */
  String cardUrl() {
    return settings.publicUrl() + "/api/v1/activities/" + activity.id().value() + "/share-card";
  }

  /** The poster's address; it carries the same referrer as the share path. */
  String imageUrl() {
    return settings.publicUrl() + "/api/v1/activities/" + activity.id().value() + "/poster.png"
        + Referrers.query("?", sharer);
  }

  Activity.Status status(Instant now) {
    return activity.statusAt(now);
  }

  /** e.g. {@code 3人团 ¥29.90 拼 Shaoguan mandarins 5 kg}, {@code 即将开团} before the start. */
  String title(Instant now) {
    String offer = GroupShare.yuan(activity.groupPrice()) + " 拼 " + activity.title();
    return switch (status(now)) {
      case SCHEDULED -> "即将开团！" + offer;
      case RUNNING -> activity.groupSize() + "人团 " + offer;
      default -> "活动已结束 " + offer;
    };
  }

  /** Until the start when upcoming, until the end when running; zero once over. */
  Duration timeLeft(Instant now) {
    Instant until = switch (status(now)) {
      case SCHEDULED -> activity.startsAt();
      case RUNNING -> activity.endsAt();
      default -> now;
    };
    return Duration.between(now, until);
  }
}
