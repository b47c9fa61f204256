package dev.flashgroup.engine.order.event;

/**
 * One refund a script asks the payment gateway for. {@code total} is what the refunded transaction
 * paid; {@code amount} may be less (a tier difference). {@code reason} says why (GROUP_FAILED,
 * TIER_PRICE, LATE_PAYMENT, ...), as the refunds table records it.
 */
public record RefundEntry(String refundNo, String orderId, long amount, String reason, long total) {}
