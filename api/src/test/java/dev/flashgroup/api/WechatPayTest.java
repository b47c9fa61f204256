package dev.flashgroup.api;

import static dev.flashgroup.api.WechatStandIn.WECHAT;
import static dev.flashgroup.api.WechatStandIn.outTradeNo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.payment.PaymentGateway;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.wechatfake.SignedNotification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/**
 * WeChat Pay end to end: the app's real WxJava client against the local stand-in, which signs,
 * encrypts and notifies like WeChat Pay and plays a buyer who pays at once.
 */
@IsolatedServices
@ApiTest
@ExtendWith(OutputCaptureExtension.class)
class WechatPayTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String NOTIFY = "/api/v1/payments/wechat/notify";
  private static final AtomicInteger BUYERS = new AtomicInteger();

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  @Autowired ApplicationContext context;
  @Autowired PaymentGateway gateway;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  Shop shop;
  Rows rows;

  @DynamicPropertySource
  static void wechat(DynamicPropertyRegistry registry) {
    WechatStandIn.register(registry);
  }

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
    rows = new Rows(db);
    WECHAT.buyersPay(true);
    WECHAT.loseNotifications(false);
    WECHAT.failNextRefunds(0);
    WECHAT.refundsEndAbnormal(false);
    WECHAT.payAmountOffBy(0);
    WECHAT.forgeAnswers(false);
    WECHAT.failRefundQueries(false);
  }

  @Test
  void buyersWhoPayMakeTheGroupSucceed() {
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    Buyer bob = buyer();
    Map<?, ?> opened = alice.reserve("/api/v1/activities/" + activity + "/groups");
    Map<?, ?> joined = bob.reserve("/api/v1/groups/" + opened.get("groupId") + "/members");

    Map<?, ?> payment = alice.pay(opened.get("orderId"));
    assertThat(payment.get("provider")).isEqualTo("wechat");
    Map<?, ?> parameters = (Map<?, ?>) payment.get("parameters");
    assertThat(parameters.keySet().stream().map(String::valueOf).toList()).containsExactlyInAnyOrder("timeStamp", "nonceStr", "package", "signType", "paySign");
    assertThat((String) parameters.get("package")).startsWith("prepay_id=wx");
    assertThat(parameters.get("signType")).isEqualTo("RSA");
    bob.pay(joined.get("orderId"));

    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(rows.groupStatus(opened.get("groupId"))));
    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(rows.orderStatus(opened.get("orderId")))
        && "SUCCEEDED".equals(rows.orderStatus(joined.get("orderId"))));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id IN ('" + opened.get("orderId") + "', '"
        + joined.get("orderId") + "')")).isEqualTo(2);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM wechat_payments WHERE status = 'PAID' AND order_id = '"
        + opened.get("orderId") + "'")).isEqualTo(1);
    assertThat(WECHAT.rejectedRequests()).isZero();
  }

  @Test
  void theBuyersPaymentRecordShowsTheActivitysTitleWithinWechatsLimit() {
    WECHAT.buyersPay(false);
    Map<String, Object> terms = Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5));
    // 136 characters, one of them an emoji (two Java chars, four UTF-8 bytes, refused by API v3).
    terms.put("title", "韶关砂糖橘 \uD83C\uDF4A " + "甜".repeat(129));
    long activity = shop.schedule("shop-1", terms);
    Buyer alice = buyer();
    Object orderId = alice.reserve("/api/v1/activities/" + activity + "/orders").get("orderId");
    alice.pay(orderId);

    String description = WECHAT.description(outTradeNo(orderId));
    assertThat(description).isEqualTo(("韶关砂糖橘  " + "甜".repeat(129)).substring(0, 127));
    assertThat(description.codePointCount(0, description.length())).isEqualTo(127);
  }

  @Test
  void askingAgainSignsTheSamePrepayAndExpiryClosesIt() {
    WECHAT.buyersPay(false);
    long activity = activity(Duration.ofMinutes(10), Duration.ofSeconds(3));
    Buyer alice = buyer();
    Map<?, ?> order = alice.reserve("/api/v1/activities/" + activity + "/orders");

    Map<?, ?> first = (Map<?, ?>) alice.pay(order.get("orderId")).get("parameters");
    Map<?, ?> second = (Map<?, ?>) alice.pay(order.get("orderId")).get("parameters");
    assertThat(second.get("package")).isEqualTo(first.get("package"));
    assertThat(second.get("nonceStr")).isNotEqualTo(first.get("nonceStr"));

    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(rows.orderStatus(order.get("orderId"))));
    await().atMost(PATIENCE).until(() -> "CLOSED".equals(WECHAT.tradeState(outTradeNo(order.get("orderId")))));
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM wechat_payments WHERE status = 'CLOSED'"
        + " AND order_id = '" + order.get("orderId") + "'") == 1);
  }

  @Test
  void forgedMissingAndStaleNotificationsGet401AndChangeNothing() {
    WECHAT.buyersPay(false);
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    Map<?, ?> order = alice.reserve("/api/v1/activities/" + activity + "/orders");
    Object orderId = order.get("orderId");
    alice.pay(orderId);
    SignedNotification genuine = WECHAT.paymentNotification(outTradeNo(orderId), "4200000001", 3990, Instant.now());

    rejected(genuine.withoutHeader("Wechatpay-Signature"), "INVALID_SIGNATURE");
    rejected(genuine.withoutHeader("Wechatpay-Timestamp"), "INVALID_SIGNATURE");
    rejected(new SignedNotification(genuine.body(), Map.of()), "INVALID_SIGNATURE");
    rejected(genuine.withHeaders(Map.of("Wechatpay-Signature", "Zm9yZ2Vk")), "INVALID_SIGNATURE");
    // Signed by the key we hold, but naming another one: WeChat Pay rotated keys, or a forger guessed.
    rejected(genuine.withHeaders(Map.of("Wechatpay-Serial", "PUB_KEY_ID_0000000000000000000000000000")), "INVALID_SIGNATURE");
    rejected(genuine.withHeaders(Map.of("Wechatpay-Signature", "not base64 at all!")), "INVALID_SIGNATURE");
    rejected(genuine.withBody(genuine.body().replace("\"id\":\"EV-", "\"id\":\"EV-9")), "INVALID_SIGNATURE");
    rejected(genuine.withBody(genuine.body().replace("\"ciphertext\":\"", "\"ciphertext\":\"AAAA")), "INVALID_SIGNATURE");
    rejected(genuine.withHeaders(Map.of("Wechatpay-Timestamp", "yesterday")), "STALE_NOTIFICATION");
    // The header carries whole seconds (the fraction dropped) and the request takes time to arrive: a margin of
    // ten seconds past the five-minute tolerance keeps a timestamp from the future from sliding back inside it.
    rejected(WECHAT.paymentNotification(outTradeNo(orderId), "4200000001", 3990, Instant.now().minusSeconds(310)),
        "STALE_NOTIFICATION");
    rejected(WECHAT.paymentNotification(outTradeNo(orderId), "4200000001", 3990, Instant.now().plusSeconds(310)),
        "STALE_NOTIFICATION");

    WechatStandIn.post(http, "/api/v1/payments/wechat/refund-notify", genuine.withoutHeader("Wechatpay-Nonce"))
        .expectStatus().isUnauthorized();
    // Signed by WeChat Pay, but another merchant's money: not ours to settle.
    WechatStandIn.post(http, NOTIFY, WECHAT.paymentNotification("1900000000", "wxother", outTradeNo(orderId),
        "4200000002", 3990, Instant.now())).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("FOREIGN_PAYMENT");

    assertThat(alice.order(orderId).get("status")).isEqualTo("RESERVED");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id = '" + orderId + "'")).isZero();

    // The genuine one, delivered twice (WeChat repeats notifications): paid once.
    WechatStandIn.post(http, NOTIFY, genuine).expectStatus().isNoContent();
    WechatStandIn.post(http, NOTIFY, genuine).expectStatus().isNoContent();
    assertThat(alice.order(orderId).get("status")).isEqualTo("SUCCEEDED");
    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(rows.orderStatus(orderId)));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id = '" + orderId + "'")).isEqualTo(1);
  }

  @Test
  void identicalNotificationsArrivingAtTheSameInstantPayTheOrderOnce() throws Exception {
    WECHAT.buyersPay(false);
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    Object orderId = alice.reserve("/api/v1/activities/" + activity + "/orders").get("orderId");
    alice.pay(orderId);
    SignedNotification genuine = WECHAT.paymentNotification(outTradeNo(orderId), "4200000003", 3990, Instant.now());

    int copies = 8;
    ExecutorService senders = Executors.newFixedThreadPool(copies);
    try {
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<HttpStatusCode>> answers = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        answers.add(senders.submit(() -> {
          gate.await();
          return WechatStandIn.post(http, NOTIFY, genuine).returnResult(Void.class).getStatus();
        }));
      }
      gate.countDown();
      for (Future<HttpStatusCode> answer : answers) {
        assertThat(answer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(HttpStatus.NO_CONTENT);
      }
    } finally {
      senders.shutdownNow();
    }

    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(rows.orderStatus(orderId)));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id = '" + orderId + "'")).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE order_id = '" + orderId + "'")).isZero();
    assertThat(rows.count("SELECT COUNT(*) AS n FROM wechat_payments WHERE status = 'PAID' AND transaction_id = '4200000003'"
        + " AND order_id = '" + orderId + "'")).isEqualTo(1);
  }

  @Test
  void replayedNotificationChangesNothingAndAnOldReplayIsRefused() {
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    Map<?, ?> order = alice.reserve("/api/v1/activities/" + activity + "/orders");
    Object orderId = order.get("orderId");
    alice.pay(orderId);
    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(rows.orderStatus(orderId)));

    SignedNotification delivered = WECHAT.lastPaymentNotification(outTradeNo(orderId));
    WechatStandIn.post(http, NOTIFY, delivered).expectStatus().isNoContent();
    String replayedLater = delivered.headers().get("Wechatpay-Timestamp");
    SignedNotification old = WECHAT.sign(delivered.body(), Instant.ofEpochSecond(Long.parseLong(replayedLater)).minusSeconds(600));
    rejected(old, "STALE_NOTIFICATION");

    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id = '" + orderId + "'")).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE order_id = '" + orderId + "'")).isZero();
  }

  @Test
  void paymentOfTheWrongAmountDoesNotSettleTheOrderAndIsRefundedOnce() {
    WECHAT.payAmountOffBy(1);
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    Map<?, ?> order = alice.reserve("/api/v1/activities/" + activity + "/orders");
    Object orderId = order.get("orderId");
    alice.pay(orderId);

    await().atMost(PATIENCE).until(() -> WECHAT.transactionId(outTradeNo(orderId)) != null);
    String refundNo = "RF" + WECHAT.transactionId(outTradeNo(orderId));
    await().atMost(PATIENCE).until(() -> "SUCCESS".equals(WECHAT.refundStatus(refundNo)));
    assertThat(WECHAT.refundedAmount(refundNo)).isEqualTo(3991);
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no = '" + refundNo
        + "' AND status = 'CONFIRMED'") == 1);
    assertThat(alice.order(orderId).get("status")).isEqualTo("RESERVED");
    assertThat(WECHAT.timesPaidOut(refundNo)).isEqualTo(1);
  }

  @Test
  void notificationArrivingBeforeTheWorkerWroteTheOrderIsApplied() {
    SmartLifecycle projector = (SmartLifecycle) context.getBean("orderProjector");
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    projector.stop();
    try {
      Map<?, ?> order = alice.reserve("/api/v1/activities/" + activity + "/orders");
      Object orderId = order.get("orderId");
      alice.pay(orderId);
      await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(alice.order(orderId).get("status")));
      assertThat(rows.orderStatus(orderId)).isNull();
      assertThat(rows.count("SELECT COUNT(*) AS n FROM wechat_payments WHERE status = 'PAID' AND order_id = '" + orderId + "'"))
          .isEqualTo(1);

      projector.start();
      await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(rows.orderStatus(orderId)));
      assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id = '" + orderId + "'")).isEqualTo(1);
    } finally {
      projector.start();
    }
  }

  @Test
  void refundThatFailsIsRetriedWithBackoffAndPaidOutOnce() {
    WECHAT.failNextRefunds(2);
    Map<?, ?> paid = paidMemberOfGroupThatFails();
    Object orderId = paid.get("orderId");
    String refundNo = "RF" + orderId;

    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(rows.orderStatus(orderId)));
    assertThat(WECHAT.timesPaidOut(refundNo)).isEqualTo(1);
    assertThat(WECHAT.refundedAmount(refundNo)).isEqualTo(2990);
    await().atMost(PATIENCE).until(() -> "SUCCESS".equals(wechatRefund(refundNo, "status")));
    // Two failed calls and the one that worked; on a slow machine the reconciler may also have
    // asked once more, which WeChat Pay answers with the same refund (paid out once, above).
    assertThat(Integer.parseInt(wechatRefund(refundNo, "attempts"))).isGreaterThanOrEqualTo(3);
    assertThat(wechatRefund(refundNo, "last_error")).contains("SYSTEM_ERROR");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no = '" + refundNo + "' AND status = 'CONFIRMED'"))
        .isEqualTo(1);
  }

  @Test
  void refundCallThatFailsIsLeftToTheReconcilersBackoffInsteadOfFailingItsSender() {
    String orderId = paidSoloOrder();
    WECHAT.failNextRefunds(1);
    var difference = new PaymentGateway.RefundOrder("RD" + orderId, orderId, 500, 3990);

    // The refund worker's message is done: the refund is tracked, and retrying it at once (the
    // worker's own retries) would spend the attempts that should be spread over the backoff.
    StepVerifier.create(gateway.refund(difference)).expectComplete().verify(PATIENCE);
    assertThat(wechatRefund("RD" + orderId, "status")).isEqualTo("PENDING");
    assertThat(wechatRefund("RD" + orderId, "attempts")).isEqualTo("1");
    assertThat(wechatRefund("RD" + orderId, "last_error")).contains("SYSTEM_ERROR");

    await().atMost(PATIENCE).until(() -> "SUCCESS".equals(wechatRefund("RD" + orderId, "status")));
    assertThat(WECHAT.timesPaidOut("RD" + orderId)).isEqualTo(1);
    assertThat(WECHAT.refundedAmount("RD" + orderId)).isEqualTo(500);
  }

  @Test
  void refundQueryThatFailsIsAskedAgainAfterTheDelayNotAtEveryRound() {
    WECHAT.loseNotifications(true);
    String orderId = paidSoloOrder();
    WECHAT.failRefundQueries(true);
    gateway.refund(new PaymentGateway.RefundOrder("RD" + orderId, orderId, 700, 3990)).block(PATIENCE);
    assertThat(wechatRefund("RD" + orderId, "status")).isEqualTo("PROCESSING");

    // Its first query (reconcile-after, 1 s, after it was sent) fails: the next one waits another
    // reconcile-after instead of coming at every round (0.2 s here).
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM wechat_refunds WHERE refund_no = 'RD"
        + orderId + "' AND check_at > created_at + INTERVAL 1500000 MICROSECOND") == 1);

    WECHAT.failRefundQueries(false);
    await().atMost(PATIENCE).until(() -> "SUCCESS".equals(wechatRefund("RD" + orderId, "status")));
    assertThat(WECHAT.timesPaidOut("RD" + orderId)).isEqualTo(1);
  }

  @Test
  void abnormalRefundIsShownToItsMerchantAndToAdmins() {
    WECHAT.refundsEndAbnormal(true);
    Map<?, ?> paid = paidMemberOfGroupThatFails();
    String refundNo = "RF" + paid.get("orderId");

    await().atMost(PATIENCE).until(() -> "ABNORMAL".equals(wechatRefund(refundNo, "status")));
    abnormalRefunds("MERCHANT", "shop-1").jsonPath("$[?(@.refundNo == '" + refundNo + "')].amount").isEqualTo(2990);
    abnormalRefunds("ADMIN", "root").jsonPath("$[?(@.refundNo == '" + refundNo + "')]").exists();
    abnormalRefunds("MERCHANT", "shop-2").jsonPath("$[?(@.refundNo == '" + refundNo + "')]").doesNotExist();
    assertThat(rows.orderStatus(paid.get("orderId"))).isEqualTo("REFUNDING");
  }

  @Test
  void lostNotificationsAreRecoveredByTheReconciler() {
    WECHAT.loseNotifications(true);
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    Map<?, ?> order = alice.reserve("/api/v1/activities/" + activity + "/orders");
    alice.pay(order.get("orderId"));
    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(rows.orderStatus(order.get("orderId"))));

    // The refund's notification is lost too: the reconciler asks refundQueryV3.
    Map<?, ?> paid = paidMemberOfGroupThatFails();
    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(rows.orderStatus(paid.get("orderId"))));
    assertThat(WECHAT.timesPaidOut("RF" + paid.get("orderId"))).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id = '" + order.get("orderId") + "'")).isEqualTo(1);
  }

  @Test
  void paymentForAnOrderTheEngineLostIsRefundedOnceHoweverOftenItIsReported() {
    WECHAT.buyersPay(false);
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    String orderId = (String) alice.reserve("/api/v1/activities/" + activity + "/orders").get("orderId");
    alice.pay(orderId);
    // Reserved, then lost with Redis' data (a failover to a replica that had not got it).
    redis.delete(keys.of(new ActivityId(activity)).order(orderId)).block(PATIENCE);
    WECHAT.payNow(outTradeNo(orderId));
    String refundNo = "RF" + WECHAT.transactionId(outTradeNo(orderId));

    await().atMost(PATIENCE).until(() -> WECHAT.timesPaidOut(refundNo) == 1);
    // WeChat Pay repeats its notification: the same refund number, nothing paid out twice.
    SignedNotification again = WECHAT.lastPaymentNotification(outTradeNo(orderId));
    WechatStandIn.post(http, NOTIFY, again).expectStatus().isNoContent();
    WechatStandIn.post(http, NOTIFY, again).expectStatus().isNoContent();
    await().atMost(PATIENCE).until(() -> "SUCCESS".equals(wechatRefund(refundNo, "status")));
    assertThat(WECHAT.timesPaidOut(refundNo)).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM wechat_refunds WHERE order_id = '" + orderId + "'")).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id = '" + orderId + "'")).isZero();
  }

  @Test
  void paymentForAnOrderOfAnActivityAwaitingItsRebuildIsAskedAboutLater(CapturedOutput output) {
    WECHAT.buyersPay(false);
    WECHAT.loseNotifications(true);
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    String orderId = (String) alice.reserve("/api/v1/activities/" + activity + "/orders").get("orderId");
    alice.pay(orderId);
    // Still listed warm, but Redis lost the activity: a rebuild from MySQL may bring the order back.
    // Another instance holds the rebuild's lease, so the activity stays awaiting it for this test.
    var k = keys.of(new ActivityId(activity));
    redis.opsForHash().put(k.rebuild(), "owner", "another-instance").block(PATIENCE);
    redis.expire(k.rebuild(), Duration.ofMinutes(5)).block(PATIENCE);
    redis.delete(k.activity(), k.order(orderId)).block(PATIENCE);
    WECHAT.payNow(outTradeNo(orderId));

    // Queried, found paid, not settled: an error for a person, and the next question waits
    // reconcile-after instead of coming back at every round; no refund yet.
    await().atMost(PATIENCE).until(() -> output.getAll().contains("order " + orderId + " was paid ("
        + WECHAT.transactionId(outTradeNo(orderId)) + ", 3990 fen) but the engine does not know it yet"));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM wechat_payments WHERE order_id = '" + orderId
        + "' AND status = 'PREPAID' AND check_at > UTC_TIMESTAMP(3) - INTERVAL 1 SECOND")).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id = '" + orderId + "'")).isZero();
    assertThat(WECHAT.timesPaidOut("RF" + WECHAT.transactionId(outTradeNo(orderId)))).isZero();
  }

  @Test
  void paymentThatRacedTheCloseIsRefunded() {
    WECHAT.buyersPay(false);
    long activity = activity(Duration.ofMinutes(10), Duration.ofSeconds(2));
    Buyer alice = buyer();
    Map<?, ?> order = alice.reserve("/api/v1/activities/" + activity + "/orders");
    Object orderId = order.get("orderId");
    alice.pay(orderId);
    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(rows.orderStatus(orderId)));

    WECHAT.payNow(outTradeNo(orderId));
    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(rows.orderStatus(orderId)));
    assertThat(WECHAT.timesPaidOut("RF" + orderId)).isEqualTo(1);
  }

  @Test
  void partialRefundSendsLessThanTheTotalOncePerRefundNumber() {
    String orderId = paidSoloOrder();

    // A tiered group's price difference: refund number RD<orderId>, amount below the paid total.
    var difference = new PaymentGateway.RefundOrder("RD" + orderId, orderId, 1000, 3990);
    gateway.refund(difference).block(PATIENCE);
    gateway.refund(difference).block(PATIENCE);

    await().atMost(PATIENCE).until(() -> "SUCCESS".equals(wechatRefund("RD" + orderId, "status")));
    assertThat(WECHAT.refundedAmount("RD" + orderId)).isEqualTo(1000);
    assertThat(WECHAT.timesPaidOut("RD" + orderId)).isEqualTo(1);
    assertThat(wechatRefund("RD" + orderId, "attempts")).isEqualTo("1");
  }

  @Test
  void answersNotSignedByWechatPayAreRefusedByTheClient() {
    WECHAT.forgeAnswers(true);
    WECHAT.buyersPay(false);
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    Map<?, ?> order = alice.reserve("/api/v1/activities/" + activity + "/orders");

    http.post().uri("/api/v1/orders/" + order.get("orderId") + "/payment").headers(h -> h.setBearerAuth(alice.token))
        .exchange().expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
        .expectBody().jsonPath("$.code").isEqualTo("WECHAT_UNAVAILABLE");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM wechat_payments WHERE order_id = '" + order.get("orderId") + "'"))
        .isZero();

    // WeChat Pay did create the prepay; asked again with honest answers, the client takes it.
    WECHAT.forgeAnswers(false);
    alice.pay(order.get("orderId"));
    WECHAT.payNow(outTradeNo(order.get("orderId")));
    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(alice.order(order.get("orderId")).get("status")));
  }

  @Test
  void buyerWithoutWechatAccountCannotPayThroughWechat() {
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Map<?, ?> order = shop.solo("script-buyer", activity);
    shop.post("script-buyer", "/api/v1/orders/" + order.get("orderId") + "/payment")
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody().jsonPath("$.code").isEqualTo("NO_WECHAT_ACCOUNT");
  }

  // ---- helpers ----

  private String paidSoloOrder() {
    long activity = activity(Duration.ofMinutes(10), Duration.ofMinutes(5));
    Buyer alice = buyer();
    String orderId = (String) alice.reserve("/api/v1/activities/" + activity + "/orders").get("orderId");
    alice.pay(orderId);
    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(alice.order(orderId).get("status")));
    return orderId;
  }

  private Map<?, ?> paidMemberOfGroupThatFails() {
    long activity = activity(Duration.ofSeconds(3), Duration.ofMinutes(5));
    Buyer leader = buyer();
    Map<?, ?> opened = leader.reserve("/api/v1/activities/" + activity + "/groups");
    leader.pay(opened.get("orderId"));
    await().atMost(PATIENCE).until(() -> "PAID".equals(leader.order(opened.get("orderId")).get("status")));
    return opened;
  }

  private long activity(Duration groupTtl, Duration payWindow) {
    return shop.schedule("shop-1", Shop.activity(2, 10, 1, groupTtl, payWindow));
  }

  private Buyer buyer() {
    String name = "buyer" + BUYERS.incrementAndGet() + "x" + System.nanoTime();
    return new Buyer(WechatStandIn.login(http, name + ".1"));
  }

  private void rejected(SignedNotification notification, String code) {
    WechatStandIn.post(http, NOTIFY, notification).expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }

  private WebTestClient.BodyContentSpec abnormalRefunds(String role, String subject) {
    return http.get().uri("/api/v1/merchant/refunds/abnormal").headers(h -> h.setBearerAuth(Tokens.of(role, subject)))
        .exchange().expectStatus().isOk().expectBody();
  }

  private String wechatRefund(String refundNo, String column) {
    return db.sql("SELECT CAST(" + column + " AS CHAR) AS v FROM wechat_refunds WHERE refund_no = :no").bind("no", refundNo)
        .map(r -> r.get("v", String.class)).one().block(PATIENCE);
  }




  /** A mini-program buyer holding the token our login gave them. */
  private final class Buyer {

    private final String token;

    Buyer(String token) {
      this.token = token;
    }

    Map<?, ?> reserve(String uri) {
      return http.post().uri(uri).headers(h -> h.setBearerAuth(token)).exchange()
          .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    Map<?, ?> pay(Object orderId) {
      return http.post().uri("/api/v1/orders/" + orderId + "/payment").headers(h -> h.setBearerAuth(token)).exchange()
          .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    Map<?, ?> order(Object orderId) {
      return http.get().uri("/api/v1/orders/" + orderId).headers(h -> h.setBearerAuth(token)).exchange()
          .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }
  }
}
