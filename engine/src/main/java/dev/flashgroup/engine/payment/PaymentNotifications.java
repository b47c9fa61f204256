package dev.flashgroup.engine.payment;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Clock;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Where every gateway reports money that moved. Both calls are idempotent. */
@Service
public class PaymentNotifications {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<String>> confirmPayment;
  private final RedisScript<String> confirmRefund;
  private final Clock clock;

  PaymentNotifications(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<List<String>> confirmPayment,
      RedisScript<String> confirmRefund, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.confirmPayment = confirmPayment;
    this.confirmRefund = confirmRefund;
    this.clock = clock;
  }

  public Mono<PaymentConfirmation> paid(String orderId, String transactionId, long amount) {
    return ActivityId.owning(orderId).map(activity -> paid(activity, orderId, transactionId, amount))
        .orElseGet(() -> Mono.just(PaymentConfirmation.NOT_FOUND));
  }

  /** @return REFUNDED, DUPLICATE, NOT_FOUND or UNKNOWN_REFUND */
  public Mono<String> refunded(String orderId, String refundNo) {
    return ActivityId.owning(orderId).map(activity -> refunded(activity, orderId, refundNo))
        .orElseGet(() -> Mono.just("NOT_FOUND"));
  }

  private Mono<PaymentConfirmation> paid(ActivityId activity, String orderId, String transactionId, long amount) {
    var k = keys.of(activity);
    return redis.execute(confirmPayment,
            List.of(k.activity(), k.paymentDeadlines(), k.groupDeadlines(), k.openGroups(), k.events()),
            List.of(k.prefix(), orderId, transactionId, Long.toString(amount), Long.toString(clock.millis())))
        .next()
        .map(reply -> PaymentConfirmation.valueOf(reply.get(0)));
  }

  private Mono<String> refunded(ActivityId activity, String orderId, String refundNo) {
    var k = keys.of(activity);
    return redis.execute(confirmRefund, List.of(k.events()),
            List.of(k.prefix(), orderId, refundNo, Long.toString(clock.millis())))
        .next();
  }
}
