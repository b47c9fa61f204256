package dev.flashgroup.engine.payment;

import dev.flashgroup.engine.keys.RedisKeys;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A gateway for local runs, demos and load tests. It moves no money: a payment is confirmed at
 * once through {@link PaymentNotifications}, the path WeChat Pay's notifications take, and a
 * refund is paid out once per refund number (recorded in Redis, so retries and several instances
 * agree).
 */
@Component
@ConditionalOnProperty(name = "flashgroup.payment.gateway", havingValue = "sandbox", matchIfMissing = true)
class SandboxPaymentGateway implements PaymentGateway {

  private final PaymentNotifications notifications;
  private final PaymentSettings settings;
  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;

  SandboxPaymentGateway(PaymentNotifications notifications, PaymentSettings settings,
      ReactiveStringRedisTemplate redis, RedisKeys keys) {
    this.notifications = notifications;
    this.settings = settings;
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public Mono<PaymentStart> startPayment(PaymentRequest request) {
    PaymentStart start = new PaymentStart(request.orderId(), "sandbox",
        Map.of("prepayId", "sandbox-" + request.orderId(), "amount", Long.toString(request.amount())));
    if (!settings.sandboxConfirms()) {
      return Mono.just(start);
    }
    return notifications.paid(request.orderId(), "SBX" + request.orderId(), request.amount()).thenReturn(start);
  }

  @Override
  public Mono<Void> refund(RefundOrder refund) {
    return redis.opsForHash().putIfAbsent(keys.sandboxRefunds(), refund.refundNo(), Long.toString(refund.amount()))
        .then(notifications.refunded(refund.orderId(), refund.refundNo()))
        .then();
  }
}
