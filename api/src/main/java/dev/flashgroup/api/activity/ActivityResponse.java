package dev.flashgroup.api.activity;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.LiveFigures;
import dev.flashgroup.engine.activity.Tier;
import java.time.Instant;
import java.util.List;

/** An activity as its merchant sees it, with live figures when asked for one activity. */
record ActivityResponse(long id, String merchantId, String title, String mode, int groupSize, long groupPrice,
    long soloPrice, int stock, int perUserLimit, Instant startsAt, Instant endsAt, String groupTtl, String payWindow,
    String status, LiveFigures figures, List<Tier> tiers, int virtualSuccessMissing) {

  static ActivityResponse of(Activity a, Instant now, LiveFigures figures) {
    return new ActivityResponse(a.id().value(), a.merchantId(), a.title(), a.mode().name(), a.groupSize(),
        a.groupPrice(), a.soloPrice(), a.stock(), a.perUserLimit(), a.startsAt(), a.endsAt(),
        a.groupTtl().toString(), a.payWindow().toString(), a.statusAt(now).name(), figures, a.tiers(), a.virtualSuccessMissing());
  }
}
