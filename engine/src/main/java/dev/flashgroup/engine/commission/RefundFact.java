package dev.flashgroup.engine.commission;

/**
 * A refund that changes an order's commission ({@link RefundEffect}): the tier difference
 * (TIER_PRICE) lowers what the commission is computed on, a reversing reason reverses part of it.
 */
record RefundFact(String refundNo, long amount, String reason) {

  static final String TIER_PRICE = RefundEffect.TIER_PRICE;

  boolean tierDifference() {
    return TIER_PRICE.equals(reason);
  }

  EntryKind kind() {
    return tierDifference() ? EntryKind.ADJUSTED : EntryKind.REVERSED;
  }
}
