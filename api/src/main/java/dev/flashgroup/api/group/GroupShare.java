package dev.flashgroup.api.group;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.group.GroupView;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** What a share of one group says, for the share card and the poster alike. */
record GroupShare(GroupView group, Activity activity, String sharer, ShareSettings settings) {

  /** The mini-program path that opens the group, with the sharer (when there is one) as referrer. */
  String path() {
    return settings.page() + "?groupId=" + Referrers.encode(group.id()) + Referrers.query("&", sharer);
  }

  /** The poster's address; it carries the same referrer as the share path. */
  String imageUrl() {
    return settings.publicUrl() + "/api/v1/groups/" + Referrers.encode(group.id()) + "/poster.png"
        + Referrers.query("?", sharer);
  }

  /** Places still needed; 0 once the group is full or settled. */
  int missing() {
    return group.remainingSlots();
  }

  boolean open() {
    return "OPEN".equals(group.status());
  }

  /** e.g. {@code 还差2人成团！¥29.90 拼 Shaoguan mandarins 5 kg}. */
  String title() {
    String price = yuan(activity.groupPrice());
    if (!open()) {
      return ("SUCCEEDED".equals(group.status()) ? "已成团！" : "拼团已结束 ") + price + " 拼 " + activity.title();
    }
    return "还差" + missing() + "人成团！" + price + " 拼 " + activity.title();
  }

  Duration timeLeft(Instant now) {
    Duration left = Duration.between(now, group.deadline());
    return left.isNegative() || !open() ? Duration.ZERO : left;
  }

  static String yuan(long fen) {
    return String.format(Locale.ROOT, "¥%d.%02d", fen / 100, fen % 100);
  }
}
