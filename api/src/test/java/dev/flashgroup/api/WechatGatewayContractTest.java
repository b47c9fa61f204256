package dev.flashgroup.api;

import static dev.flashgroup.api.WechatStandIn.WECHAT;
import static dev.flashgroup.api.WechatStandIn.outTradeNo;

import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.payment.PaymentGateway.PaymentStart;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.wechatfake.SignedNotification;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The WeChat Pay adapter under the contract, through the real WxJava client and the local
 * stand-in. Buyers pay when the test says so; the news of a payment is the stand-in's signed
 * notification, posted to our notify endpoint as WeChat Pay posts it (and repeats it).
 */
@IsolatedServices
@ApiTest
class WechatGatewayContractTest extends PaymentGatewayContract {

  private static final AtomicInteger BUYERS = new AtomicInteger();
  private static final long FIRST_ACTIVITY = 1_000_000;

  @DynamicPropertySource
  static void wechat(DynamicPropertyRegistry registry) {
    WechatStandIn.register(registry);
  }

  @Autowired DatabaseClient db;

  @BeforeEach
  void honestWechatWhoseBuyersWait() {
    // The stand-in is one per test JVM (WechatStandIn) and knows trades by out_trade_no, which is
    // made of the order id; each test class's database numbers activities from 1 again. Numbering
    // this class's activities from a million keeps its trades apart from WechatPayTest's.
    db.sql("ALTER TABLE activities AUTO_INCREMENT = " + FIRST_ACTIVITY).then().block(PATIENCE);
    WECHAT.buyersPay(false);
    WECHAT.forgeAnswers(false);
    WECHAT.loseNotifications(false);
    WECHAT.failNextRefunds(0);
    WECHAT.refundsEndAbnormal(false);
    WECHAT.payAmountOffBy(0);
    WECHAT.failRefundQueries(false);
  }

  @Override
  String provider() {
    return "wechat";
  }

  @Override
  Buyer buyer() {
    String code = "contract" + BUYERS.incrementAndGet() + "x" + System.nanoTime() + ".1";
    Map<?, ?> login = http.post().uri("/api/v1/auth/wechat").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("code", code)).exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    return new Buyer((String) login.get("buyerId"), (String) login.get("token"));
  }

  @Override
  String paymentReference(PaymentStart start) {
    return start.parameters().get("package");
  }

  /** The buyer pays at the stand-in, which notifies us; the action posts that notification again. */
  @Override
  Callable<?> paidNotice(OrderView order) {
    WECHAT.payNow(outTradeNo(order.id()));
    SignedNotification notice = WECHAT.lastPaymentNotification(outTradeNo(order.id()));
    return () -> WechatStandIn.post(http, "/api/v1/payments/wechat/notify", notice).expectStatus().isNoContent();
  }

  @Override
  int timesPaidOut(String refundNo) {
    return WECHAT.timesPaidOut(refundNo);
  }

  @Override
  long amountPaidOut(String refundNo) {
    return WECHAT.refundedAmount(refundNo);
  }

  @Override
  boolean refundSettled(String refundNo) {
    return "SUCCESS".equals(WECHAT.refundStatus(refundNo));
  }

  @Override
  boolean counterpartFails() {
    WECHAT.forgeAnswers(true);
    return true;
  }
}
