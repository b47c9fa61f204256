package dev.flashgroup.engine.payment.wechat;

import com.github.binarywang.wxpay.bean.result.WxPayOrderQueryV3Result;
import com.github.binarywang.wxpay.exception.WxPayException;
import com.github.binarywang.wxpay.service.WxPayService;
import dev.flashgroup.engine.payment.PaymentConfirmation;
import dev.flashgroup.engine.schedule.RepeatingJob;
import dev.flashgroup.engine.wechat.WechatSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Settles what notifications did not: a prepay still open {@code reconcileAfter} after it was made
 * is queried (queryOrderV3) and settled as a notification would; one past its payment deadline and
 * unpaid is closed at WeChat Pay (closeOrderV3), so the buyer can no longer pay it. Refunds still
 * PENDING are sent again (same out_refund_no) with backoff; PROCESSING ones are queried
 * (refundQueryV3). Every step is idempotent, so several instances may run this at once.
 */
@Component
@ConditionalOnProperty(name = "flashgroup.payment.gateway", havingValue = "wechat")
class WechatReconciler extends RepeatingJob {

  private static final Logger log = LoggerFactory.getLogger(WechatReconciler.class);
  private static final int BATCH = 50;

  private final WxPayService wechat;
  private final WechatSettings settings;
  private final WechatTrades trades;
  private final WechatRefunds refunds;
  private final WechatSettlement settlement;
  private final WechatPaymentGateway gateway;
  private final Clock clock;

  WechatReconciler(WxPayService wechat, WechatSettings settings, WechatTrades trades, WechatRefunds refunds,
      WechatSettlement settlement, WechatPaymentGateway gateway, Clock clock) {
    this.wechat = wechat;
    this.settings = settings;
    this.trades = trades;
    this.refunds = refunds;
    this.settlement = settlement;
    this.gateway = gateway;
    this.clock = clock;
  }

  @Override
  protected Duration pause() {
    return settings.reconcileInterval();
  }

  @Override
  protected Mono<?> round() {
    Instant now = clock.instant();
    return trades.due(now, BATCH).concatMap(prepay -> payment(prepay).onErrorResume(e -> later(prepay, e)))
        .thenMany(refunds.due(now, BATCH).concatMap(refund -> refund(refund).onErrorResume(e -> {
          // Asked again after the usual delay, not at every round while WeChat Pay is unwell.
          log.warn("refund {} not reconciled: {}", refund.refundNo(), e.toString());
          return refunds.checkAgainAt(refund.refundNo(), clock.instant().plus(settings.reconcileAfter()));
        })))
        .then();
  }

  private Mono<Void> payment(WechatTrades.Prepay prepay) {
    return Blocking.call(() -> wechat.queryOrderV3(null, prepay.outTradeNo()))
        .flatMap(order -> settle(prepay, order))
        .onErrorResume(WxPayException.class, e -> "ORDER_NOT_EXIST".equals(e.getErrCode())
            ? closeIfOverdue(prepay) : Mono.error(e));
  }

  private Mono<Void> settle(WechatTrades.Prepay prepay, WxPayOrderQueryV3Result order) {
    String state = order.getTradeState();
    if ("SUCCESS".equals(state) || "REFUND".equals(state)) {
      log.info("payment of order {} recovered by query ({} missed its notification)", prepay.orderId(), order.getTransactionId());
      return settlement.paid(prepay.orderId(), order.getTransactionId(), order.getAmount().getTotal())
          .flatMap(outcome -> outcome == PaymentConfirmation.NOT_FOUND ? unknown(prepay, order) : Mono.empty());
    }
    if ("CLOSED".equals(state) || "REVOKED".equals(state) || "PAYERROR".equals(state)) {
      return trades.settled(prepay.orderId(), WechatTrades.CLOSED, null, clock.instant());
    }
    return closeIfOverdue(prepay);
  }

  /**
   * Paid at WeChat Pay, but the engine does not hold the order while its activity awaits a rebuild
   * from MySQL (an order gone for good is refunded by {@code PaymentNotifications} instead). Asked
   * again after the usual delay, not at every round; a person should know.
   */
  private Mono<Void> unknown(WechatTrades.Prepay prepay, WxPayOrderQueryV3Result order) {
    log.error("order {} was paid ({}, {} fen) but the engine does not know it yet (its activity awaits a rebuild);"
        + " asked again later", prepay.orderId(), order.getTransactionId(), order.getAmount().getTotal());
    return trades.checkAgainAt(prepay.orderId(), clock.instant().plus(settings.reconcileAfter()));
  }

  /** Unpaid: closed once its payment deadline passed, otherwise looked at again later. */
  private Mono<Void> closeIfOverdue(WechatTrades.Prepay prepay) {
    Instant now = clock.instant();
    if (now.isBefore(prepay.payBy())) {
      return trades.checkAgainAt(prepay.orderId(), min(now.plus(settings.reconcileAfter()), prepay.payBy()));
    }
    return Blocking.run(() -> wechat.closeOrderV3(prepay.outTradeNo()))
        .then(trades.settled(prepay.orderId(), WechatTrades.CLOSED, null, now))
        .onErrorResume(WxPayException.class, e -> "ORDER_NOT_EXIST".equals(e.getErrCode())
            ? trades.settled(prepay.orderId(), WechatTrades.CLOSED, null, now)
            // ORDERPAID: the buyer paid at the last moment; the next round's query settles it.
            : trades.checkAgainAt(prepay.orderId(), now));
  }

  private Mono<Void> refund(WechatRefunds.Tracked refund) {
    if (WechatRefunds.PENDING.equals(refund.status())) {
      return gateway.send(refund);
    }
    return Blocking.call(() -> wechat.refundQueryV3(refund.refundNo()))
        .flatMap(found -> settlement.refund(refund.refundNo(), refund.orderId(), found.getStatus(), found.getRefundId()))
        .onErrorResume(WxPayException.class, e -> "RESOURCE_NOT_EXISTS".equals(e.getErrCode())
            ? gateway.send(refund) : Mono.error(e));
  }

  private Mono<Void> later(WechatTrades.Prepay prepay, Throwable e) {
    log.warn("payment of order {} not reconciled: {}", prepay.orderId(), e.toString());
    return trades.checkAgainAt(prepay.orderId(), clock.instant().plus(settings.reconcileAfter()));
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
