package dev.flashgroup.engine.payment.wechat;

import dev.flashgroup.engine.payment.PaymentConfirmation;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.wechat.WechatSettings;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a successful payment or a settled refund does, whether the news came as a notification or
 * from the reconciler's query: the same idempotent step either way.
 */
@Component
@ConditionalOnProperty(name = "flashgroup.payment.gateway", havingValue = "wechat")
class WechatSettlement {

  private static final Logger log = LoggerFactory.getLogger(WechatSettlement.class);

  private final PaymentNotifications notifications;
  private final WechatTrades trades;
  private final WechatRefunds refunds;
  private final WechatSettings settings;
  private final Clock clock;

  WechatSettlement(PaymentNotifications notifications, WechatTrades trades, WechatRefunds refunds,
      WechatSettings settings, Clock clock) {
    this.notifications = notifications;
    this.trades = trades;
    this.refunds = refunds;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * A transaction WeChat Pay reports as paid. The engine checks the amount against the order; money
   * that cannot settle it (wrong amount, second payment, expired order) is refunded by the engine.
   */
  Mono<PaymentConfirmation> paid(String orderId, String transactionId, long total) {
    return notifications.paid(orderId, transactionId, total)
        .flatMap(outcome -> {
          if (outcome == PaymentConfirmation.NOT_FOUND) {
            return Mono.just(outcome);
          }
          if (outcome == PaymentConfirmation.AMOUNT_MISMATCH || outcome == PaymentConfirmation.OTHER_TRANSACTION) {
            log.warn("payment {} for order {} cannot settle it ({}); it is being refunded", transactionId, orderId, outcome);
          }
          return trades.settled(orderId, WechatTrades.PAID, transactionId, clock.instant()).thenReturn(outcome);
        });
  }

  /** WeChat Pay's word on a refund; SUCCESS completes it in the engine. */
  Mono<Void> refund(String refundNo, String orderId, String status, String refundId) {
    String tracked = WechatRefunds.SUCCESS.equals(status) || WechatRefunds.PROCESSING.equals(status)
        ? status : WechatRefunds.ABNORMAL;
    if (WechatRefunds.ABNORMAL.equals(tracked)) {
      log.warn("refund {} of order {} ended {}: it needs a person", refundNo, orderId, status);
    }
    var now = clock.instant();
    Mono<Void> engine = switch (tracked) {
      case WechatRefunds.SUCCESS -> notifications.refunded(orderId, refundNo).then();
      case WechatRefunds.ABNORMAL -> notifications.refundAbnormal(orderId, refundNo);
      default -> Mono.empty();
    };
    return engine.then(refunds.reported(refundNo, tracked, refundId,
        WechatRefunds.ABNORMAL.equals(tracked) ? "WeChat Pay: " + status : null, now, now.plus(settings.reconcileAfter())));
  }

  /** The adapter gave a refund up after its calls failed {@code refund-attempts} times. */
  Mono<Void> gaveUp(String refundNo, String orderId) {
    log.warn("refund {} of order {} failed too often and is ABNORMAL: it needs a person", refundNo, orderId);
    return notifications.refundAbnormal(orderId, refundNo);
  }
}
