package dev.flashgroup.api.activity;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.MerchantFigures;
import dev.flashgroup.engine.activity.Tier;
import java.time.Instant;
import java.util.List;

/** An activity as its merchant sees it, with its figures when asked for one activity. */
record ActivityResponse(long id, String merchantId, String title, String mode, int groupSize, long groupPrice,
    long soloPrice, int stock, int perUserLimit, Instant startsAt, Instant endsAt, String groupTtl, String payWindow,
    String status, MerchantFigures figures, List<Tier> tiers, int virtualSuccessMissing) {

  static ActivityResponse of(Activity a, Instant now, MerchantFigures figures) {
    return new ActivityResponse(a.id().value(), a.merchantId(), a.title(), a.mode().name(), a.groupSize(),
        a.groupPrice(), a.soloPrice(), a.stock(), a.perUserLimit(), a.startsAt(), a.endsAt(),
        a.groupTtl().toString(), a.payWindow().toString(), a.statusAt(now).name(), figures, a.tiers(), a.virtualSuccessMissing());
  }
}
