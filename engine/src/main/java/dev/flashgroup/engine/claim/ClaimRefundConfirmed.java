package dev.flashgroup.engine.claim;

import java.time.Instant;

/**
 * The gateway paid a claim's refund out: {@code amount} fen of an order whose payment was
 * {@code paidTotal}, under {@code refundNo} ({@code RC<claimId>}, reason CLAIM). Claim refunds are
 * recorded in MySQL alone and never pass through RefundRequested/RefundConfirmed, so whatever must
 * follow a claim's refund (the leader's commission reversed in proportion) follows this, which
 * happens exactly once per claim: {@link ClaimRefunds#onRefundConfirmed}.
 */
public record ClaimRefundConfirmed(long claimId, String orderId, String refundNo, long amount, long paidTotal,
    Instant at) {

  public static final String REASON = "CLAIM";
}
