package dev.flashgroup.engine.claim;

/**
 * PENDING → APPROVED → REFUNDED (the gateway paid {@code RC<claimId>}); PENDING → REJECTED. A small
 * claim within the buyer's monthly allowance starts APPROVED. APPROVED → REFUND_ABNORMAL when the
 * gateway gave the refund up (WeChat Pay's ABNORMAL: the buyer's card closed, say): nothing sends
 * it again by itself, a person settles it, and the gateway's later SUCCESS still makes it REFUNDED.
 */
public enum ClaimStatus {
  PENDING, APPROVED, REJECTED, REFUNDED, REFUND_ABNORMAL
}
