package dev.flashgroup.api;

import static dev.flashgroup.api.WechatStandIn.WECHAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A claim's refund through the real WeChat Pay adapter (WxJava against the local stand-in): sent
 * as {@code out_refund_no = RC<claimId>}, a failed call left to the adapter's backoff, WeChat Pay's
 * signed refund notification routed to the claim (not to confirm_refund.lua), paid out once. Once
 * the adapter has accepted a refund, its reconciler alone sends it again (the claim's own retry runs
 * fast here, so it would show if it sent too); a refund WeChat Pay ends ABNORMAL makes the claim
 * REFUND_ABNORMAL and nothing sends it again.
 */
@IsolatedServices
@ApiTest
@TestPropertySource(properties = {"flashgroup.claims.refund-retry=PT0.3S", "flashgroup.claims.retry-interval=PT0.1S"})
class WechatClaimsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
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
    // The stand-in is one per JVM and keys trades by out_trade_no (FG-<order id>); every class's
    // database numbers activities from 1, so this class's ids start far from the other classes'.
    db.sql("ALTER TABLE activities AUTO_INCREMENT = 7000001").then().block(PATIENCE);
  }

  @Test
  void anApprovedClaimIsRefundedThroughWechatPayOnceDespiteAFailedCall() {
    String token = WechatStandIn.login(http, "claimant" + System.nanoTime() + ".1");
    String orderId = pickedUp(token, "clerk-wx");
    long id = claimed(token, orderId);
    String refundNo = "RC" + id;
    WECHAT.failNextRefunds(1);

    shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/approval", Map.of("amount", 1500))
        .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("APPROVED");
    // The adapter took the refund (its call failed, it keeps it for its reconciler): the claim's retry lets go.
    assertThat(rows.count("SELECT COUNT(*) AS n FROM claims WHERE id = " + id + " AND refund_due_at IS NULL")).isEqualTo(1);

    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM claims WHERE id = " + id
        + " AND status = 'REFUNDED'") == 1);
    assertThat(WECHAT.timesPaidOut(refundNo)).isEqualTo(1);
    assertThat(WECHAT.refundedAmount(refundNo)).isEqualTo(1500);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no = '" + refundNo
        + "' AND reason = 'CLAIM' AND status = 'CONFIRMED' AND amount = 1500")).isEqualTo(1);
    // The failed call and one resend, the reconciler's.
    assertThat(rows.count("SELECT COUNT(*) AS n FROM wechat_refunds WHERE refund_no = '" + refundNo
        + "' AND total = 3990 AND amount = 1500 AND attempts = 2")).isEqualTo(1);
    // The order itself is untouched: picked up, its own refunds none.
    assertThat(rows.orderStatus(orderId)).isEqualTo("PICKED_UP");
  }

  @Test
  void aRefundWechatPayEndsAbnormalIsResentOnceAndLeavesTheClaimRefundAbnormal() {
    String token = WechatStandIn.login(http, "unlucky" + System.nanoTime() + ".1");
    String orderId = pickedUp(token, "clerk-wx2");
    long id = claimed(token, orderId);
    String refundNo = "RC" + id;
    WECHAT.failNextRefunds(1);
    WECHAT.refundsEndAbnormal(true);

    shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/approval", null)
        .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("APPROVED");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM claims WHERE id = " + id + " AND refund_due_at IS NULL")).isEqualTo(1);

    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM claims WHERE id = " + id
        + " AND status = 'REFUND_ABNORMAL' AND refund_due_at IS NULL AND refunded_at IS NULL") == 1);
    assertThat(WECHAT.refundStatus(refundNo)).isEqualTo("ABNORMAL");
    assertThat(WECHAT.timesPaidOut(refundNo)).isZero();
    // The failed call and exactly one resend; an ABNORMAL refund is never due at the reconciler again.
    assertThat(rows.count("SELECT COUNT(*) AS n FROM wechat_refunds WHERE refund_no = '" + refundNo
        + "' AND status = 'ABNORMAL' AND attempts = 2")).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no = '" + refundNo
        + "' AND status = 'CONFIRMED'")).isZero();
    // A person sees it: on the merchant's desk, and among the abnormal refunds.
    shop.merchant("shop-1", HttpMethod.GET, "/api/v1/merchant/claims?status=REFUND_ABNORMAL", null)
        .expectStatus().isOk().expectBody().jsonPath("$.claims[?(@.id == " + id + ")].status")
        .isEqualTo(List.of("REFUND_ABNORMAL"));
    shop.merchant("shop-1", HttpMethod.GET, "/api/v1/merchant/refunds/abnormal", null)
        .expectStatus().isOk().expectBody(String.class).value(body -> assertThat(body).contains(refundNo));
  }

  /** A picked-up solo order of shop-1's, paid through the stand-in by the buyer with {@code token}. */
  private String pickedUp(String token, String clerk) {
    long point = shop.point("微信售后点" + clerk, clerk);
    Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    Map<String, Object> body = Shop.activity(2, 10, 2, Duration.ofMinutes(30), Duration.ofMinutes(30));
    Map<String, Object> pickup = new LinkedHashMap<>();
    pickup.put("points", List.of(Map.of("pointId", point, "stock", 10)));
    pickup.put("window", Map.of("from", from.toString(), "to", from.plus(Duration.ofHours(5)).toString()));
    body.put("pickup", pickup);
    long activity = shop.schedule("shop-1", body);

    Map<?, ?> order = as(token).post().uri("/api/v1/activities/{a}/orders", activity)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", point))
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    String orderId = (String) order.get("orderId");
    as(token).post().uri("/api/v1/orders/{o}/payment", orderId).exchange().expectStatus().isOk();
    await().atMost(PATIENCE).until(() -> as(token).get().uri("/api/v1/orders/{o}/pickup", orderId).exchange()
        .returnResult(Map.class).getStatus().value() == 200);
    String code = (String) as(token).get().uri("/api/v1/orders/{o}/pickup", orderId).exchange()
        .expectBody(Map.class).returnResult().getResponseBody().get("code");
    as(Tokens.of("STAFF", clerk)).post().uri("/api/v1/pickup-points/{p}/verifications", point)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", code)).exchange().expectStatus().isOk();
    return orderId;
  }

  /** A claim of 1,800 fen on the order, waiting for the merchant. */
  private long claimed(String token, String orderId) {
    Map<String, Object> claimBody = new LinkedHashMap<>();
    claimBody.put("reason", "SPOILED");
    claimBody.put("amount", 1800);
    claimBody.put("note", "荔枝坏了一半");
    Map<?, ?> claim = as(token).post().uri("/api/v1/orders/{o}/claims", orderId)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(claimBody)
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    assertThat(claim.get("status")).isEqualTo("PENDING");
    return ((Number) claim.get("id")).longValue();
  }

  private WebTestClient as(String token) {
    return http.mutate().defaultHeaders(h -> h.setBearerAuth(token)).build();
  }
}
