package dev.flashgroup.engine.payment;

import reactor.core.publisher.Mono;

/**
 * Refunds a feature asks the gateway for itself and records in MySQL alone, never in an
 * activity's Redis order (after-sales claims, {@code RC<claimId>}). When a gateway reports such a
 * refund done, {@link PaymentNotifications#refunded} hands it here instead of to confirm_refund.lua,
 * which would not know it. Implementations live in the feature (so payment depends on none of them).
 */
public interface RecordedRefunds {

  /** Whether {@code refundNo} is one of this feature's refunds. */
  boolean records(String refundNo);

  /**
   * The gateway paid {@code refundNo} out; idempotent.
   *
   * @return REFUNDED (first news), DUPLICATE (already recorded) or UNKNOWN_REFUND
   */
  Mono<String> confirmed(String orderId, String refundNo);

  /**
   * The gateway gave {@code refundNo} up (WeChat Pay's ABNORMAL or CLOSED, or its calls failed too
   * often): it will not pay it by itself and a person must settle it; idempotent.
   */
  Mono<Void> abnormal(String orderId, String refundNo);
}
