package dev.flashgroup.engine.payment;

import reactor.core.publisher.Mono;

/**
 * Notifications a payment gateway posts to us over HTTP that a payment or a refund completed. The
 * adapter checks the signature and freshness before it decrypts or changes anything, then settles
 * through {@link PaymentNotifications}; a repeated notification is accepted and changes nothing.
 * Only gateways that notify over HTTP (WeChat Pay) provide this; the sandbox confirms in-process.
 */
public interface GatewayNotifications {

  /** The signature headers sent with a notification; any may be null when the request lacks it. */
  record Signature(String serial, String signature, String timestamp, String nonce) {}

  Mono<NotificationOutcome> payment(String body, Signature signature);

  Mono<NotificationOutcome> refund(String body, Signature signature);
}
