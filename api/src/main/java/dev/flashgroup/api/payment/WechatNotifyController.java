package dev.flashgroup.api.payment;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.payment.GatewayNotifications;
import dev.flashgroup.engine.payment.NotificationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * WeChat Pay's notifications. WeChat wants 200/204 with no body once a notification is taken, and
 * repeats it on any other answer; failures carry {@code code} and {@code message}, here inside a
 * problem detail. Forged or stale notifications get 401 and change nothing.
 */
@RestController
class WechatNotifyController {

  private static final Logger log = LoggerFactory.getLogger(WechatNotifyController.class);

  private final ObjectProvider<GatewayNotifications> notifications;

  WechatNotifyController(ObjectProvider<GatewayNotifications> notifications) {
    this.notifications = notifications;
  }

  @PostMapping("/api/v1/payments/wechat/notify")
  Mono<ResponseEntity<Object>> paid(@RequestBody(required = false) String body, @RequestHeader HttpHeaders headers) {
    return take(body, headers, GatewayNotifications::payment);
  }

  @PostMapping("/api/v1/payments/wechat/refund-notify")
  Mono<ResponseEntity<Object>> refunded(@RequestBody(required = false) String body, @RequestHeader HttpHeaders headers) {
    return take(body, headers, GatewayNotifications::refund);
  }

  private Mono<ResponseEntity<Object>> take(String body, HttpHeaders headers,
      TriFunction<GatewayNotifications, String, GatewayNotifications.Signature, Mono<NotificationOutcome>> handler) {
    GatewayNotifications wechat = notifications.getIfAvailable();
    if (wechat == null) {
      return Mono.just(Problems.response(HttpStatus.NOT_FOUND, "NOT_FOUND", "WeChat Pay is not the payment gateway here"));
    }
    var signature = new GatewayNotifications.Signature(headers.getFirst("Wechatpay-Serial"),
        headers.getFirst("Wechatpay-Signature"), headers.getFirst("Wechatpay-Timestamp"), headers.getFirst("Wechatpay-Nonce"));
    return handler.apply(wechat, body, signature).map(WechatNotifyController::answer);
  }

  private static ResponseEntity<Object> answer(NotificationOutcome outcome) {
    if (outcome instanceof NotificationOutcome.Accepted) {
      return ResponseEntity.noContent().build();
    }
    if (outcome instanceof NotificationOutcome.UnknownOrder unknown) {
      return failure(HttpStatus.NOT_FOUND, "NOT_FOUND", "No order for out_trade_no " + unknown.outTradeNo());
    }
    NotificationOutcome.Rejected rejected = (NotificationOutcome.Rejected) outcome;
    log.warn("WeChat Pay notification rejected ({}): {}", rejected.reason(), rejected.detail());
    return switch (rejected.reason()) {
      case MISSING_SIGNATURE, BAD_SIGNATURE -> failure(HttpStatus.UNAUTHORIZED, "INVALID_SIGNATURE", rejected.detail());
      case STALE_TIMESTAMP -> failure(HttpStatus.UNAUTHORIZED, "STALE_NOTIFICATION", rejected.detail());
      case UNREADABLE -> failure(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", rejected.detail());
      case FOREIGN -> failure(HttpStatus.BAD_REQUEST, "FOREIGN_PAYMENT", rejected.detail());
    };
  }

  private static ResponseEntity<Object> failure(HttpStatus status, String code, String detail) {
    ResponseEntity<Object> response = Problems.response(status, code, detail);
    // WeChat Pay reads "message" from a failed answer.
    ((ProblemDetail) response.getBody()).setProperty("message", detail);
    return response;
  }

  @FunctionalInterface
  interface TriFunction<A, B, C, R> {
    R apply(A a, B b, C c);
  }
}
