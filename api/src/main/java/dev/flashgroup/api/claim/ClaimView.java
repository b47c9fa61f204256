package dev.flashgroup.api.claim;

import dev.flashgroup.api.web.BuyerIds;
import dev.flashgroup.engine.claim.Claim;
import dev.flashgroup.engine.claim.ClaimReason;
import dev.flashgroup.engine.claim.ClaimStatus;
import java.time.Instant;
import java.util.List;

/** A claim as the API shows it; {@code buyer} masked for merchants, whole for the buyer and admins. */
record ClaimView(long id, String orderId, long activityId, String buyer, ClaimReason reason, long amount,
    Long approvedAmount, String note, List<String> photoUrls, ClaimStatus status, boolean autoApproved,
    String rejection, String refundNo, Instant filedAt, Instant decidedAt, Instant refundedAt) {

  static ClaimView of(Claim c, boolean maskBuyer) {
    return new ClaimView(c.id(), c.orderId(), c.activityId(), maskBuyer ? BuyerIds.mask(c.buyerId()) : c.buyerId(),
        c.reason(), c.amount(), c.approvedAmount(), c.note(), c.photoUrls(), c.status(), c.autoApproved(),
        c.rejection(), c.refundNo().value(), c.filedAt(), c.decidedAt(), c.refundedAt());
  }
}
