package dev.flashgroup.engine.commission;

/**
 * A refund that changes an order's commission: the tier difference (TIER_PRICE) lowers what the
 * commission is computed on, every other reason reverses part of it.
 */
record RefundFact(String refundNo, long amount, String reason) {

  static final String TIER_PRICE = "TIER_PRICE";

  boolean tierDifference() {
    return TIER_PRICE.equals(reason);
  }

  EntryKind kind() {
    return tierDifference() ? EntryKind.ADJUSTED : EntryKind.REVERSED;
  }
}
