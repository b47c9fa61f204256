package dev.flashgroup.engine.claim;

/**
 * PENDING → APPROVED → REFUNDED (the gateway paid {@code RC<claimId>}); PENDING → REJECTED. A small
 * claim within the buyer's monthly allowance starts APPROVED.
 */
public enum ClaimStatus {
  PENDING, APPROVED, REJECTED, REFUNDED
}
