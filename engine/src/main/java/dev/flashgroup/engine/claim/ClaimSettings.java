package dev.flashgroup.engine.claim;

import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param window how long after its pickup an order takes claims
 * @param autoApprove claims at or under this amount (fen) are approved at once, while the buyer is
 *     within {@code monthlyAutoApprovals}; larger ones wait for the merchant
 * @param monthlyAutoApprovals claims of one buyer approved automatically per calendar month (in
 *     {@code zone}); beyond that even small claims wait for the merchant (0: none automatically)
 * @param zone the time zone whose calendar months count
 * @param refundRetry when an approved claim's refund is not confirmed this long after it was sent, it
 *     is sent again (same refund number: paid once); doubles with each attempt up to 32 times this
 * @param retryInterval how often the retry job looks for such refunds
 * @param retryEnabled run the retry job in this instance
 * @param maxPerOrder claims one order takes in all, whatever became of them (pending, approved,
 *     refunded, rejected): a bound on the merchant's work per order, not on money (that is the
 *     order's balance); the next filing is refused 409 {@code CLAIM_LIMIT_REACHED}
 */
@ConfigurationProperties("flashgroup.claims")
public record ClaimSettings(
    @DefaultValue("PT48H") Duration window,
    @DefaultValue("500") long autoApprove,
    @DefaultValue("3") int monthlyAutoApprovals,
    @DefaultValue("Asia/Shanghai") ZoneId zone,
    @DefaultValue("PT1M") Duration refundRetry,
    @DefaultValue("PT5S") Duration retryInterval,
    @DefaultValue("true") boolean retryEnabled,
    @DefaultValue("5") int maxPerOrder) {

  public ClaimSettings {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("flashgroup.claims.window must be positive");
    }
    if (autoApprove < 0 || autoApprove > ClaimDraft.MAX_AMOUNT) {
      throw new IllegalArgumentException("flashgroup.claims.auto-approve must be 0.." + ClaimDraft.MAX_AMOUNT);
    }
    if (monthlyAutoApprovals < 0 || monthlyAutoApprovals > 10_000) {
      throw new IllegalArgumentException("flashgroup.claims.monthly-auto-approvals must be 0..10000");
    }
    if (maxPerOrder < 1 || maxPerOrder > 100) {
      throw new IllegalArgumentException("flashgroup.claims.max-per-order must be 1..100");
    }
    if (refundRetry.isNegative() || refundRetry.isZero() || retryInterval.isNegative() || retryInterval.isZero()) {
      throw new IllegalArgumentException("flashgroup.claims.refund-retry and retry-interval must be positive");
    }
  }

  /** The wait before the refund is sent again after {@code attempts} sends. */
  Duration retryAfter(int attempts) {
    return refundRetry.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 5));
  }
}
