package dev.flashgroup.engine.commission;

import java.util.Map;
import java.util.Optional;

/**
 * What a refund does to the order's commission, by its reason: an allow-list of every reason the
 * scripts and the after-sales claims give (lib/shared.lua's {@code REASON_*}, {@link
 * CommissionLedger#CLAIM}). A reason not listed here changes nothing and is reported (logged and
 * counted) rather than taken for a reversal.
 */
enum RefundEffect {
  /** The order's money goes back: the commission on it is reversed. */
  REVERSES,
  /** The tier difference: commission on the final price. */
  ADJUSTS,
  /** Money that never paid the order (a second payment, a wrong amount). */
  NONE;

  static final String TIER_PRICE = "TIER_PRICE";

  private static final Map<String, RefundEffect> BY_REASON = Map.of(
      "GROUP_FAILED", REVERSES, "LATE_PAYMENT", REVERSES, "ACTIVITY_CANCELLED", REVERSES, CommissionLedger.CLAIM, REVERSES,
      TIER_PRICE, ADJUSTS,
      "DUPLICATE_PAYMENT", NONE, "WRONG_AMOUNT", NONE);

  /** The reason's effect; empty for a reason the ledger does not know. */
  static Optional<RefundEffect> of(String reason) {
    return Optional.ofNullable(reason == null ? null : BY_REASON.get(reason));
  }

  /** Whether a refund for this reason is recorded against the commission. */
  boolean changesCommission() {
    return this != NONE;
  }
}
