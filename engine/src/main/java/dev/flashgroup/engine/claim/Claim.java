package dev.flashgroup.engine.claim;

import dev.flashgroup.engine.order.RefundNumber;
import java.time.Instant;
import java.util.List;

/**
 * A buyer's after-sales claim on a picked-up order. {@code amount} is what the buyer asked (fen),
 * {@code approvedAmount} what goes back once approved (null before), {@code paidTotal} what the
 * order's payment was; {@code decidedBy} is the merchant or admin who decided, null for an
 * automatic approval.
 */
public record Claim(long id, String orderId, long activityId, String merchantId, String buyerId, ClaimReason reason,
    long amount, Long approvedAmount, long paidTotal, String note, List<String> photoUrls, ClaimStatus status,
    boolean autoApproved, String rejection, String decidedBy, Instant filedAt, Instant decidedAt,
    Instant refundedAt) {

  /** The refund number that pays it, {@code RC<id>}: the gateway pays one number once. */
  public RefundNumber refundNo() {
    return RefundNumber.claim(id);
  }
}
