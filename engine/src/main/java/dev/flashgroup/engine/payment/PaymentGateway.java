package dev.flashgroup.engine.payment;

import reactor.core.publisher.Mono;

/**
 * The only way money moves. Adapters confirm payments and refunds through
 * {@link PaymentNotifications}, whether the news comes back in-process (sandbox) or as an HTTP
 * notification (WeChat Pay). A refund with a refund number already used must not pay out twice.
 */
public interface PaymentGateway {

  Mono<PaymentStart> startPayment(PaymentRequest request);

  /**
   * Sends a refund. Completing without an error means the adapter accepted it and sees it through
   * itself: it pays it (now or after retrying its own failed calls) and reports the outcome through
   * {@link PaymentNotifications#refunded} or, when it gives it up, {@link
   * PaymentNotifications#refundAbnormal}; the caller need not send it again. An error means it was
   * not accepted and the caller sends it again (same refund number: paid once).
   */
  Mono<Void> refund(RefundOrder refund);

  /**
   * What the buyer is asked to pay. The amount always comes from the order, never from the client;
   * {@code description} is what the payment is for as the buyer knows it (the activity's title),
   * which an adapter fits to its provider's limits.
   */
  record PaymentRequest(String orderId, String buyerId, long amount, java.time.Instant payBy, String description) {}

  /** The parameters the client needs to complete the payment. */
  record PaymentStart(String orderId, String provider, java.util.Map<String, String> parameters) {}

  /**
   * Money to send back for an order; {@code refundNo} is deterministic so a retry is harmless.
   * {@code total} is what the refunded transaction paid; {@code amount} may be less (partial refund
   * of a tier difference, refund number {@code RD<orderId>}).
   */
  record RefundOrder(String refundNo, String orderId, long amount, long total) {}
}
