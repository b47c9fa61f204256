package dev.flashgroup.engine.order;

/**
 * A refund's number, which the payment gateway keeps unique: the same number asked for twice
 * pays once. The scripts derive them the same way (lua/SCHEMA.md): {@code RF<orderId>} refunds an
 * order in full, {@code RD<orderId>} gives back a tier difference, {@code RF<transactionId>}
 * returns money that never settled its order (a second payment, a wrong amount), {@code RC<claimId>}
 * pays an after-sales claim (recorded in MySQL alone, never in a script).
 */
public record RefundNumber(String value) {

  private static final String FULL = "RF";
  private static final String DIFFERENCE = "RD";
  private static final String CLAIM = "RC";
  /** Claim ids are MySQL BIGINTs from 1; at most 18 digits, so the number parses as a long. */
  private static final java.util.regex.Pattern CLAIM_NUMBER = java.util.regex.Pattern.compile("RC[1-9][0-9]{0,17}");

  public RefundNumber {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a refund number must not be blank");
    }
  }

  public static RefundNumber fullRefund(String orderId) {
    return new RefundNumber(FULL + orderId);
  }

  public static RefundNumber tierDifference(String orderId) {
    return new RefundNumber(DIFFERENCE + orderId);
  }

  public static RefundNumber returned(String transactionId) {
    return new RefundNumber(FULL + transactionId);
  }

  public static RefundNumber claim(long claimId) {
    if (claimId < 1) {
      throw new IllegalArgumentException("a claim id is positive: " + claimId);
    }
    return new RefundNumber(CLAIM + claimId);
  }

  /** The claim this refund pays, or null when it is not a claim's refund ({@code RC<claimId>}). */
  public Long claimIdOrNull() {
    return CLAIM_NUMBER.matcher(value).matches() ? Long.valueOf(value.substring(CLAIM.length())) : null;
  }

  /**
   * Whether this refund is part of the order's own record (its full refund or its tier
   * difference), and so what the order counts as refunded, rather than money it sends back.
   */
  public boolean isOrdersOwn(String orderId) {
    return value.length() == FULL.length() + orderId.length() && value.endsWith(orderId)
        && (value.startsWith(FULL) || value.startsWith(DIFFERENCE));
  }

  @Override
  public String toString() {
    return value;
  }
}
