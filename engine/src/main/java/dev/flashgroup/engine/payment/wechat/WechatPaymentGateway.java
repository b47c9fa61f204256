package dev.flashgroup.engine.payment.wechat;

import com.github.binarywang.wxpay.bean.request.WxPayRefundV3Request;
import com.github.binarywang.wxpay.bean.request.WxPayUnifiedOrderV3Request;
import com.github.binarywang.wxpay.bean.result.WxPayUnifiedOrderV3Result;
import com.github.binarywang.wxpay.bean.result.enums.TradeTypeEnum;
import com.github.binarywang.wxpay.exception.WxPayException;
import com.github.binarywang.wxpay.service.WxPayService;
import dev.flashgroup.engine.buyer.Buyers;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.payment.PaymentGateway;
import dev.flashgroup.engine.payment.PaymentGatewayUnavailable;
import dev.flashgroup.engine.payment.PaymentRefused;
import dev.flashgroup.engine.wechat.WechatSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * WeChat Pay (API v3, JSAPI for the mini-program) through WxJava, always on boundedElastic.
 * A prepay lives as long as the order's payment deadline ({@code time_expire}); asking again for
 * the same order signs the same prepay again. Refunds use the engine's deterministic refund number
 * as {@code out_refund_no}, which WeChat Pay pays out at most once. WxJava's failures to start a
 * payment leave as {@link PaymentGatewayUnavailable}, so no caller needs WxJava's types.
 */
@Component
@ConditionalOnProperty(name = "flashgroup.payment.gateway", havingValue = "wechat")
class WechatPaymentGateway implements PaymentGateway {

  private static final Logger log = LoggerFactory.getLogger(WechatPaymentGateway.class);
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private final WxPayService wechat;
  private final WechatSettings settings;
  private final WechatTrades trades;
  private final WechatRefunds refunds;
  private final WechatSettlement settlement;
  private final Buyers buyers;
  private final Clock clock;

  WechatPaymentGateway(WxPayService wechat, WechatSettings settings, WechatTrades trades, WechatRefunds refunds,
      WechatSettlement settlement, Buyers buyers, Clock clock) {
    this.wechat = wechat;
    this.settings = settings;
    this.trades = trades;
    this.refunds = refunds;
    this.settlement = settlement;
    this.buyers = buyers;
    this.clock = clock;
  }

  @Override
  public Mono<PaymentStart> startPayment(PaymentRequest request) {
    Instant now = clock.instant();
    return trades.find(request.orderId())
        .filter(known -> WechatTrades.PREPAID.equals(known.status()) && known.payBy().isAfter(now)
            && known.amount() == request.amount())
        .map(WechatTrades.Prepay::prepayId)
        .switchIfEmpty(Mono.defer(() -> prepay(request, now)))
        .flatMap(prepayId -> Blocking.call(() -> WxPayUnifiedOrderV3Result.getJsapiPayInfo(prepayId,
            settings.appId(), wechat.getConfig().getPrivateKey())))
        .map(pay -> new PaymentStart(request.orderId(), "wechat", Map.of(
            "timeStamp", pay.getTimeStamp(),
            "nonceStr", pay.getNonceStr(),
            "package", pay.getPackageValue(),
            "signType", pay.getSignType(),
            "paySign", pay.getPaySign())))
        .onErrorMap(WxPayException.class, e -> new PaymentGatewayUnavailable("WECHAT_UNAVAILABLE",
            "WeChat did not complete the request; retry shortly", e));
  }

  private Mono<String> prepay(PaymentRequest request, Instant now) {
    return buyers.openIdOf(request.buyerId())
        .switchIfEmpty(Mono.error(() -> new PaymentRefused("NO_WECHAT_ACCOUNT",
            "Buyer " + request.buyerId() + " did not sign in with WeChat, so WeChat Pay cannot charge them")))
        .flatMap(openId -> Blocking.call(() -> wechat.unifiedOrderV3(TradeTypeEnum.JSAPI, order(request, openId))))
        .map(WxPayUnifiedOrderV3Result::getPrepayId)
        .flatMap(prepayId -> trades.prepaid(new WechatTrades.Prepay(request.orderId(), OutTradeNo.of(request.orderId()),
                prepayId, request.amount(), request.payBy(), WechatTrades.PREPAID), now,
                now.plus(settings.reconcileAfter()))
            .thenReturn(prepayId));
  }

  private WxPayUnifiedOrderV3Request order(PaymentRequest request, String openId) {
    WxPayUnifiedOrderV3Request order = new WxPayUnifiedOrderV3Request();
    order.setAppid(settings.appId());
    order.setMchid(settings.mchId());
    order.setDescription(PaymentDescription.of(request.description(), request.orderId()));
    order.setOutTradeNo(OutTradeNo.of(request.orderId()));
    // WeChat refuses the payment itself after the deadline, so a late payment is rare (and refunded).
    order.setTimeExpire(request.payBy().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.ofHours(8)).format(RFC3339));
    order.setNotifyUrl(settings.notifyUrl());
    var amount = new WxPayUnifiedOrderV3Request.Amount();
    amount.setTotal(Math.toIntExact(request.amount()));
    amount.setCurrency("CNY");
    order.setAmount(amount);
    var payer = new WxPayUnifiedOrderV3Request.Payer();
    payer.setOpenid(openId);
    order.setPayer(payer);
    return order;
  }

  @Override
  public Mono<Void> refund(RefundOrder refund) {
    long activity = ActivityId.owning(refund.orderId())
        .orElseThrow(() -> new IllegalArgumentException("not an order id: " + refund.orderId())).value();
    Instant now = clock.instant();
    return refunds.track(refund, activity, now, now.plus(settings.reconcileAfter()))
        .flatMap(tracked -> tracked.settled() || WechatRefunds.PROCESSING.equals(tracked.status())
            ? Mono.empty() : send(tracked));
  }

  /**
   * Asks WeChat Pay for the refund. A failed call is recorded with its backoff and the reconciler
   * sends it again when that is over; the caller is not failed, because retrying at once (the
   * refund worker's own retries) would burn through the attempts in seconds and leave a refund that
   * a short WeChat outage interrupted ABNORMAL. Only our own bookkeeping failing is an error.
   */
  Mono<Void> send(WechatRefunds.Tracked refund) {
    return refunds.attempted(refund.refundNo())
        .then(Blocking.call(() -> wechat.refundV3(request(refund.order())))
            .onErrorResume(e -> failed(refund, e).then(Mono.empty())))
        .flatMap(result -> settlement.refund(refund.refundNo(), refund.orderId(), result.getStatus(), result.getRefundId()));
  }

  private Mono<Void> failed(WechatRefunds.Tracked refund, Throwable e) {
    Instant now = clock.instant();
    int attempts = refund.attempts() + 1;
    log.warn("refund {} of order {} failed (attempt {}), tried again after backoff: {}", refund.refundNo(),
        refund.orderId(), attempts, e.toString());
    return refunds.failed(refund.refundNo(), e.toString(), settings.refundAttempts(), now,
            now.plus(settings.refundBackoff(attempts)))
        .then(refunds.find(refund.refundNo()))
        .filter(after -> WechatRefunds.ABNORMAL.equals(after.status()))
        .flatMap(after -> settlement.gaveUp(after.refundNo(), after.orderId()));
  }

  private WxPayRefundV3Request request(RefundOrder refund) {
    WxPayRefundV3Request request = new WxPayRefundV3Request();
    request.setOutTradeNo(OutTradeNo.of(refund.orderId()));
    request.setOutRefundNo(refund.refundNo());
    request.setNotifyUrl(settings.refundNotifyUrl());
    var amount = new WxPayRefundV3Request.Amount();
    amount.setRefund(Math.toIntExact(refund.amount()));
    amount.setTotal(Math.toIntExact(refund.total()));
    amount.setCurrency("CNY");
    request.setAmount(amount);
    return request;
  }
}
