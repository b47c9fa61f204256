package dev.flashgroup.engine.payment.wechat;

import com.github.binarywang.wxpay.bean.notify.SignatureHeader;
import com.github.binarywang.wxpay.bean.notify.WxPayNotifyV3Result;
import com.github.binarywang.wxpay.bean.notify.WxPayRefundNotifyV3Result;
import com.github.binarywang.wxpay.exception.WxPayException;
import com.github.binarywang.wxpay.service.WxPayService;
import dev.flashgroup.engine.payment.GatewayNotifications;
import dev.flashgroup.engine.payment.NotificationOutcome;
import dev.flashgroup.engine.payment.NotificationOutcome.Accepted;
import dev.flashgroup.engine.payment.NotificationOutcome.Reason;
import dev.flashgroup.engine.payment.NotificationOutcome.Rejected;
import dev.flashgroup.engine.payment.PaymentConfirmation;
import dev.flashgroup.engine.wechat.WechatSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Takes WeChat Pay's payment and refund notifications. WxJava verifies a signature only when it is
 * given the headers and never looks at the timestamp, so both are checked here first: a missing
 * header, a signature that does not verify or a timestamp more than the tolerance away is turned
 * down before anything is decrypted or changed. Then the resource is decrypted (WxJava), the
 * merchant and app ids are checked, and the payment or refund is settled idempotently.
 */
@Service
@ConditionalOnProperty(name = "flashgroup.payment.gateway", havingValue = "wechat")
class WechatNotifications implements GatewayNotifications {

  private final WxPayService wechat;
  private final WechatSettings settings;
  private final WechatSettlement settlement;
  private final Clock clock;

  WechatNotifications(WxPayService wechat, WechatSettings settings, WechatSettlement settlement, Clock clock) {
    this.wechat = wechat;
    this.settings = settings;
    this.settlement = settlement;
    this.clock = clock;
  }

  @Override
  public Mono<NotificationOutcome> payment(String body, Signature signature) {
    return checked(body, signature, header -> Blocking.call(() -> wechat.parseOrderNotifyV3Result(body, header))
        .flatMap(notification -> paid(notification.getResult())));
  }

  @Override
  public Mono<NotificationOutcome> refund(String body, Signature signature) {
    return checked(body, signature, header -> Blocking.call(() -> wechat.parseRefundNotifyV3Result(body, header))
        .flatMap(notification -> refunded(notification.getResult())));
  }

  private Mono<NotificationOutcome> checked(String body, Signature s,
      Function<SignatureHeader, Mono<NotificationOutcome>> decrypted) {
    if (body == null || s.serial() == null || s.signature() == null || s.timestamp() == null || s.nonce() == null) {
      return Mono.just(new Rejected(Reason.MISSING_SIGNATURE, "Wechatpay-Serial, -Signature, -Timestamp and -Nonce are required"));
    }
    if (!fresh(s.timestamp())) {
      return Mono.just(new Rejected(Reason.STALE_TIMESTAMP,
          "Wechatpay-Timestamp is more than " + settings.notificationTolerance() + " away from now"));
    }
    if (!s.serial().equals(settings.publicKeyId())) {
      // WxJava's public-key verifier ignores the serial; WeChat Pay names the key it signed with there.
      return Mono.just(new Rejected(Reason.BAD_SIGNATURE,
          "Wechatpay-Serial does not name the WeChat Pay public key configured here (flashgroup.wechat.public-key-id)"));
    }
    SignatureHeader header = new SignatureHeader();
    header.setSerial(s.serial());
    header.setSignature(s.signature());
    header.setTimeStamp(s.timestamp());
    header.setNonce(s.nonce());
    return Blocking.call(() -> verifies(body, s))
        .flatMap(valid -> valid ? decrypted.apply(header).onErrorResume(WxPayException.class,
                e -> Mono.just(new Rejected(Reason.UNREADABLE, "The notification cannot be decrypted or read")))
            : Mono.just(new Rejected(Reason.BAD_SIGNATURE, "The signature does not verify with WeChat Pay's public key")));
  }

  private boolean fresh(String timestamp) {
    try {
      Instant at = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
      return Duration.between(at, clock.instant()).abs().compareTo(settings.notificationTolerance()) <= 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** WxJava's own verifier (public-key mode); a malformed signature counts as a bad one. */
  private boolean verifies(String body, Signature s) {
    String message = s.timestamp() + "\n" + s.nonce() + "\n" + body + "\n";
    try {
      return wechat.getConfig().getVerifier().verify(s.serial(), message.getBytes(StandardCharsets.UTF_8), s.signature());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Mono<NotificationOutcome> paid(WxPayNotifyV3Result.DecryptNotifyResult paid) {
    if (!settings.mchId().equals(paid.getMchid()) || !settings.appId().equals(paid.getAppid())) {
      return Mono.just(new Rejected(Reason.FOREIGN, "The payment is for merchant " + paid.getMchid() + ", app " + paid.getAppid()));
    }
    if (!"SUCCESS".equals(paid.getTradeState())) {
      return Mono.just(new Accepted("trade state " + paid.getTradeState() + " needs nothing"));
    }
    String orderId = OutTradeNo.orderId(paid.getOutTradeNo());
    if (orderId == null || paid.getAmount() == null || paid.getAmount().getTotal() == null) {
      return Mono.just(new Rejected(Reason.UNREADABLE, "No order or amount in the notification"));
    }
    return settlement.paid(orderId, paid.getTransactionId(), paid.getAmount().getTotal())
        .map(outcome -> outcome == PaymentConfirmation.NOT_FOUND
            ? new NotificationOutcome.UnknownOrder(paid.getOutTradeNo()) : new Accepted(outcome.name()));
  }

  private Mono<NotificationOutcome> refunded(WxPayRefundNotifyV3Result.DecryptNotifyResult refund) {
    if (!settings.mchId().equals(refund.getMchid())) {
      return Mono.just(new Rejected(Reason.FOREIGN, "The refund is for merchant " + refund.getMchid()));
    }
    String orderId = OutTradeNo.orderId(refund.getOutTradeNo());
    if (orderId == null || refund.getOutRefundNo() == null) {
      return Mono.just(new Rejected(Reason.UNREADABLE, "No order or refund number in the notification"));
    }
    return settlement.refund(refund.getOutRefundNo(), orderId, refund.getRefundStatus(), refund.getRefundId())
        .thenReturn(new Accepted(refund.getRefundStatus()));
  }
}
