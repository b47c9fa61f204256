package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.api.web.BuyerIds;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.payment.PaymentGateway;
import dev.flashgroup.engine.payment.PaymentGatewayUnavailable;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * After-sales claims over HTTP: filed by the buyer within the window after pickup, small ones
 * approved at once within the monthly allowance, others approved (possibly for less) or rejected by
 * the merchant; each approved claim refunded through the payment gateway as {@code RC<claimId>},
 * exactly once, whatever the concurrency, the repetition or a failing gateway; several claims on one
 * order never take more than was paid.
 */
@IsolatedServices
@ApiTest
@Import(ClaimsTest.Doubles.class)
@TestPropertySource(properties = {"flashgroup.claims.monthly-auto-approvals=2",
    "flashgroup.claims.refund-retry=PT0.5S", "flashgroup.claims.retry-interval=PT0.2S"})
class ClaimsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final AtomicInteger BUYERS = new AtomicInteger();
  /** What a solo order of {@link Shop#activity} costs. */
  private static final long PAID = 3990;

  /**
   * A clock the test may move forward (the claim window), and a gateway that fails the claim
   * refunds it is told to fail and counts every refund asked of it; it pays through the sandbox.
   */
  @TestConfiguration
  static class Doubles {

    @Bean
    @Primary
    MovableClock movableClock() {
      return new MovableClock();
    }

    @Bean
    @Primary
    FailingGateway failingGateway(@Qualifier("sandboxPaymentGateway") PaymentGateway sandbox,
        PaymentNotifications notifications) {
      return new FailingGateway(sandbox, notifications);
    }
  }

  static final class MovableClock extends Clock {

    final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(ahead.get());
    }
  }

  static final class FailingGateway implements PaymentGateway {

    final PaymentGateway sandbox;
    final PaymentNotifications notifications;
    final AtomicInteger failNextClaimRefunds = new AtomicInteger();
    /** Claim refunds accepted and then given up, as WeChat Pay's ABNORMAL. */
    final AtomicInteger abandonNextClaimRefunds = new AtomicInteger();
    final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

    FailingGateway(PaymentGateway sandbox, PaymentNotifications notifications) {
      this.sandbox = sandbox;
      this.notifications = notifications;
    }

    @Override
    public Mono<PaymentStart> startPayment(PaymentRequest request) {
      return sandbox.startPayment(request);
    }

    @Override
    public Mono<Void> refund(RefundOrder refund) {
      asked.computeIfAbsent(refund.refundNo(), no -> new AtomicInteger()).incrementAndGet();
      if (refund.refundNo().startsWith("RC") && failNextClaimRefunds.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return Mono.error(new PaymentGatewayUnavailable("GATEWAY_DOWN", "the test's gateway is down", null));
      }
      if (refund.refundNo().startsWith("RC") && abandonNextClaimRefunds.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return notifications.refundAbnormal(refund.orderId(), refund.refundNo());
      }
      return sandbox.refund(refund);
    }

    int asked(String refundNo) {
      AtomicInteger n = asked.get(refundNo);
      return n == null ? 0 : n.get();
    }
  }

  @LocalServerPort int port;
  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired MovableClock clock;
  @Autowired FailingGateway gateway;
  Shop shop;
  Rows rows;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
    rows = new Rows(db);
  }

  @AfterEach
  void backToNow() {
    clock.ahead.set(Duration.ZERO);
    gateway.failNextClaimRefunds.set(0);
    gateway.abandonNextClaimRefunds.set(0);
  }

  // --- the story -------------------------------------------------------------------------------

  @Test
  void aSmallClaimIsApprovedAtOnceAndRefundedAsRcClaimId() {
    Delivered d = delivered();
    Map<?, ?> claim = filed(d.buyer(), d.order(), claimBody("SPOILED", 300));

    assertThat(claim.get("status")).isEqualTo("REFUNDED");
    assertThat(claim.get("autoApproved")).isEqualTo(true);
    assertThat(((Number) claim.get("approvedAmount")).longValue()).isEqualTo(300);
    assertThat(claim.get("buyer")).isEqualTo(d.buyer());
    assertThat(claim.get("photoUrls")).isEqualTo(List.of("https://img.example.cn/claims/1.jpg"));
    String refundNo = "RC" + id(claim);
    assertThat(claim.get("refundNo")).isEqualTo(refundNo);
    assertPaidOnce(refundNo, d.order(), 300);
    assertThat(gateway.asked(refundNo)).isEqualTo(1);
  }

  @Test
  void aLargerClaimWaitsForTheMerchantWhoMayApproveItForLess() {
    Delivered d = delivered();
    Map<?, ?> claim = filed(d.buyer(), d.order(), claimBody("MISSING", 1500));
    long id = id(claim);
    assertThat(claim.get("status")).isEqualTo("PENDING");
    assertThat(claim.get("autoApproved")).isEqualTo(false);

    // The merchant's desk lists it (the buyer masked); another merchant's does not, nor may it decide.
    List<Map<String, Object>> pending = merchantClaims("shop-1", "?status=PENDING");
    assertThat(pending).anySatisfy(c -> assertThat(c).containsEntry("id", (Object) (int) id)
        .containsEntry("buyer", (Object) BuyerIds.mask(d.buyer())).containsEntry("orderId", (Object) d.order()));
    assertThat(merchantClaims("shop-2", "")).noneSatisfy(c -> assertThat(c).containsEntry("id", (Object) (int) id));
    refused(shop.merchant("shop-2", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/approval", Map.of()),
        403, "FORBIDDEN");
    refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/approval",
        Map.of("amount", 1501)), 400, "ABOVE_CLAIMED");
    refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/approval",
        Map.of("amount", 0)), 400, "INVALID_REQUEST");
    assertThat(gateway.asked("RC" + id)).isZero();

    Map<?, ?> approved = shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/approval",
            Map.of("amount", 1200))
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    assertThat(((Number) approved.get("approvedAmount")).longValue()).isEqualTo(1200);
    assertThat(approved.get("status")).isEqualTo("REFUNDED");
    assertPaidOnce("RC" + id, d.order(), 1200);

    // Decided once; what the approval did not grant can be claimed again, and no more.
    refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/approval", null),
        409, "ALREADY_DECIDED");
    refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/rejection",
        Map.of("reason", "too late")), 409, "ALREADY_DECIDED");
    file(d.buyer(), d.order(), claimBody("MISSING", PAID - 1200 + 1)).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("ABOVE_REFUNDABLE").jsonPath("$.refundable").isEqualTo(PAID - 1200);
    assertThat(filed(d.buyer(), d.order(), claimBody("OTHER", PAID - 1200)).get("status")).isEqualTo("PENDING");
    assertThat(gateway.asked("RC" + id)).isEqualTo(1);
  }

  @Test
  void theMerchantRejectsWithAReasonAndTheAmountMayBeClaimedAgain() {
    Delivered d = delivered();
    long id = id(filed(d.buyer(), d.order(), claimBody("DAMAGED", PAID)));
    refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/rejection",
        Map.of("reason", " ")), 400, "INVALID_REQUEST");
    refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/rejection",
        Map.of("reason", "x".repeat(501))), 400, "INVALID_REQUEST");
    file(d.buyer(), d.order(), claimBody("DAMAGED", 1)).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("ABOVE_REFUNDABLE").jsonPath("$.refundable").isEqualTo(0);

    Map<?, ?> rejected = shop.merchant("shop-1", HttpMethod.POST,
            "/api/v1/merchant/claims/" + id + "/rejection", Map.of("reason", "照片显示完好"))
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    assertThat(rejected.get("status")).isEqualTo("REJECTED");
    assertThat(rejected.get("rejection")).isEqualTo("照片显示完好");
    assertThat(gateway.asked("RC" + id)).isZero();
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no = 'RC" + id + "'")).isZero();

    assertThat(filed(d.buyer(), d.order(), claimBody("DAMAGED", PAID)).get("status")).isEqualTo("PENDING");
  }

  @Test
  void claimsCloseWhenTheWindowAfterPickupEnds() {
    Delivered d = delivered();
    clock.ahead.set(Duration.ofHours(48).plusSeconds(1));
    file(d.buyer(), d.order(), claimBody("SPOILED", 100)).expectStatus().isEqualTo(409)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("CLAIM_WINDOW_CLOSED").jsonPath("$.closedAt").exists();
    // In Chinese, the detail states the same fact, from the problem's own closedAt.
    Map<?, ?> chinese = as("CUSTOMER", d.buyer()).post().uri("/api/v1/orders/{o}/claims", d.order())
        .header("Accept-Language", "zh-CN").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(claimBody("SPOILED", 100)).exchange().expectStatus().isEqualTo(409)
        .expectBody(Map.class).returnResult().getResponseBody();
    assertThat(chinese.get("code")).isEqualTo("CLAIM_WINDOW_CLOSED");
    assertThat(chinese.get("title")).isEqualTo("售后期已过");
    assertThat(chinese.get("detail")).isEqualTo("该订单的售后申请已于 " + chinese.get("closedAt") + " 截止");
    clock.ahead.set(Duration.ofHours(47));
    assertThat(filed(d.buyer(), d.order(), claimBody("SPOILED", 100)).get("status")).isEqualTo("REFUNDED");
  }

  @Test
  void onlyTheBuyersOwnPickedUpOrderTakesClaimsAndBadFieldsAreNamed() {
    Delivered d = delivered();
    String notCollected = paidAtPoint(d.buyer(), d.activity(), d.point());
    refused(file(d.buyer(), notCollected, claimBody("MISSING", 100)), 409, "NOT_PICKED_UP");
    refused(file("someone-else", d.order(), claimBody("MISSING", 100)), 403, "FORBIDDEN");
    refused(file(d.buyer(), d.activity() + "-99999", claimBody("MISSING", 100)), 404, "NOT_FOUND");
    refused(file(d.buyer(), "not-an-order", claimBody("MISSING", 100)), 404, "NOT_FOUND");
    refused(http.post().uri("/api/v1/orders/" + d.order() + "/claims")
        .headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1")))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(claimBody("MISSING", 100)).exchange(), 403, "FORBIDDEN");

    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("reason", "UNHAPPY");
    bad.put("amount", 0);
    bad.put("note", "x".repeat(501));
    bad.put("photoUrls", List.of("http://img.example.cn/a.jpg", "https://", "javascript:alert(1)"));
    file(d.buyer(), d.order(), bad).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST")
        .jsonPath("$.errors[*].field").value(fields -> assertThat((List<Object>) fields).containsExactlyInAnyOrder(
            "reason", "amount", "note", "photoUrls[0]", "photoUrls[1]", "photoUrls[2]"));
    Map<String, Object> tooMany = claimBody("SPOILED", 100);
    tooMany.put("photoUrls", java.util.Collections.nCopies(10, "https://img.example.cn/a.jpg"));
    file(d.buyer(), d.order(), tooMany).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("photoUrls");
    Map<String, Object> huge = claimBody("SPOILED", 100_000_001L);
    refused(file(d.buyer(), d.order(), huge), 400, "INVALID_REQUEST");
    Map<String, Object> text = claimBody("SPOILED", 100);
    text.put("amount", "100");
    refused(file(d.buyer(), d.order(), text), 400, "MALFORMED_REQUEST");

    // Nothing was recorded by any refusal.
    assertThat(rows.count("SELECT COUNT(*) AS n FROM claims WHERE buyer_id = '" + d.buyer() + "'")).isZero();
    refused(shop.merchant("shop-1", HttpMethod.GET, "/api/v1/merchant/claims?status=OPEN", null), 400,
        "INVALID_REQUEST");
    refused(shop.merchant("shop-1", HttpMethod.GET, "/api/v1/merchant/claims?limit=101", null), 400,
        "INVALID_REQUEST");
    refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/abc/approval", null), 400,
        "INVALID_REQUEST");
    refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/999999999/approval", null), 404,
        "NOT_FOUND");
    refused(http.get().uri("/api/v1/merchant/claims").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", d.buyer())))
        .exchange(), 403, "FORBIDDEN");
  }

  // --- exactly once ----------------------------------------------------------------------------

  @Test
  void tenSimultaneousClaimsOnOneOrderNeverPromiseMoreThanWasPaid() {
    Delivered d = delivered();
    Map<String, Long> answers = Flux.range(0, 10)
        .flatMap(i -> client().post().uri("/api/v1/orders/{o}/claims", d.order())
            .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", d.buyer())))
            .contentType(MediaType.APPLICATION_JSON).bodyValue(claimBody("SPOILED", 1000))
            .exchangeToMono(r -> r.bodyToMono(Map.class).map(body -> r.statusCode().value() + " "
                + (r.statusCode().value() == 201 ? body.get("status") : body.get("code")))), 10)
        .collectList().block(PATIENCE)
        .stream().collect(Collectors.groupingBy(a -> a, Collectors.counting()));

    assertThat(answers).containsOnly(Map.entry("201 PENDING", 3L), Map.entry("400 ABOVE_REFUNDABLE", 7L));
    assertThat(rows.count("SELECT SUM(amount) AS n FROM claims WHERE order_id = '" + d.order() + "'"))
        .isEqualTo(3000);
    assertThat(rows.count("SELECT claimed AS n FROM claim_balances WHERE order_id = '" + d.order() + "'"))
        .isEqualTo(3000);
  }

  @Test
  void twentySimultaneousApprovalsRefundOnce() {
    Delivered d = delivered();
    long id = id(filed(d.buyer(), d.order(), claimBody("WRONG_ITEM", 2000)));
    Map<String, Long> answers = Flux.range(0, 20)
        .flatMap(i -> client().post().uri("/api/v1/merchant/claims/{id}/approval", id)
            .headers(h -> h.setBearerAuth(i % 2 == 0 ? Tokens.of("MERCHANT", "shop-1") : Tokens.of("ADMIN", "admin-" + i)))
            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of())
            .exchangeToMono(r -> r.bodyToMono(Map.class).map(body -> r.statusCode().value() + " "
                + (r.statusCode().value() == 200 ? "" : body.get("code")))), 20)
        .collectList().block(PATIENCE)
        .stream().collect(Collectors.groupingBy(a -> a, Collectors.counting()));

    assertThat(answers).containsOnly(Map.entry("200 ", 1L), Map.entry("409 ALREADY_DECIDED", 19L));
    assertPaidOnce("RC" + id, d.order(), 2000);
    assertThat(gateway.asked("RC" + id)).isEqualTo(1);
  }

  @Test
  void aGatewayFailureIsRetriedAndPaysOnce() {
    Delivered d = delivered();
    long id = id(filed(d.buyer(), d.order(), claimBody("SPOILED", 2500)));
    gateway.failNextClaimRefunds.set(2);

    // The approval stands even though the gateway failed: the refund is sent again until confirmed.
    Map<?, ?> approved = shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/approval", null)
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    assertThat(approved.get("status")).isEqualTo("APPROVED");
    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(claimStatus(d.buyer(), d.order(), id)));

    assertThat(gateway.asked("RC" + id)).isEqualTo(3);
    assertPaidOnce("RC" + id, d.order(), 2500);
    assertThat(rows.count("SELECT refund_attempts AS n FROM claims WHERE id = " + id)).isEqualTo(3);
    // Once confirmed, the retry job leaves it alone.
    assertThat(rows.count("SELECT COUNT(*) AS n FROM claims WHERE id = " + id + " AND refund_due_at IS NULL"
        + " AND status = 'REFUNDED' AND refunded_at IS NOT NULL")).isEqualTo(1);
  }

  @Test
  void aRefundTheGatewayGivesUpLeavesTheClaimRefundAbnormalAndIsNotSentAgain() {
    Delivered d = delivered();
    long id = id(filed(d.buyer(), d.order(), claimBody("SPOILED", 2500)));
    gateway.abandonNextClaimRefunds.set(1);

    Map<?, ?> approved = shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + id + "/approval", null)
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();

    assertThat(approved.get("status")).isEqualTo("REFUND_ABNORMAL");
    assertThat(claimStatus(d.buyer(), d.order(), id)).isEqualTo("REFUND_ABNORMAL");
    // Nothing is due: the retry job (every 0.2 s here) never picks it up; a person settles it.
    assertThat(rows.count("SELECT COUNT(*) AS n FROM claims WHERE id = " + id + " AND refund_due_at IS NULL"
        + " AND refunded_at IS NULL")).isEqualTo(1);
    assertThat(merchantClaims("shop-1", "?status=REFUND_ABNORMAL"))
        .anySatisfy(c -> assertThat(c).containsEntry("id", (Object) (int) id));
    // Repeated news of the abandonment changes nothing; the gateway's later SUCCESS still refunds it, once.
    gateway.notifications.refundAbnormal(d.order(), "RC" + id).block(PATIENCE);
    assertThat(claimStatus(d.buyer(), d.order(), id)).isEqualTo("REFUND_ABNORMAL");
    gateway.sandbox.refund(new PaymentGateway.RefundOrder("RC" + id, d.order(), 2500, PAID)).block(PATIENCE);
    assertPaidOnce("RC" + id, d.order(), 2500);
    assertThat(gateway.asked("RC" + id)).isEqualTo(1);
  }

  @Test
  void anOrderTakesAtMostFiveClaimsWhateverBecameOfThem() {
    Delivered d = delivered();
    Map<String, Long> answers = Flux.range(0, 7)
        .flatMap(i -> client().post().uri("/api/v1/orders/{o}/claims", d.order())
            .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", d.buyer())))
            .contentType(MediaType.APPLICATION_JSON).bodyValue(claimBody("MISSING", 600))
            .exchangeToMono(r -> r.bodyToMono(Map.class).map(body -> r.statusCode().value() + " "
                + (r.statusCode().value() == 201 ? body.get("status") : body.get("code") + " " + body.get("limit")))), 7)
        .collectList().block(PATIENCE)
        .stream().collect(Collectors.groupingBy(a -> a, Collectors.counting()));

    assertThat(answers).containsOnly(Map.entry("201 PENDING", 5L), Map.entry("409 CLAIM_LIMIT_REACHED 5", 2L));
    assertThat(rows.count("SELECT claims AS n FROM claim_balances WHERE order_id = '" + d.order() + "'")).isEqualTo(5);
    // A rejected claim still counts: the bound is on the merchant's work, not on money.
    long first = id(merchantClaims("shop-1", "?status=PENDING").stream()
        .filter(c -> d.order().equals(c.get("orderId"))).findFirst().orElseThrow());
    shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + first + "/rejection",
        Map.of("reason", "重复申请")).expectStatus().isOk();
    refused(file(d.buyer(), d.order(), claimBody("MISSING", 100)), 409, "CLAIM_LIMIT_REACHED");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM claims WHERE order_id = '" + d.order() + "'")).isEqualTo(5);
  }

  @Test
  void beyondTheMonthlyAllowanceSmallClaimsWaitForTheMerchant() {
    Delivered d = delivered();
    List<String> statuses = Flux.range(0, 5)
        .flatMap(i -> client().post().uri("/api/v1/orders/{o}/claims", d.order())
            .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", d.buyer())))
            .contentType(MediaType.APPLICATION_JSON).bodyValue(claimBody("MISSING", 100))
            .exchangeToMono(r -> r.bodyToMono(Map.class).map(body -> (String) body.get("status"))), 5)
        .collectList().block(PATIENCE);

    // flashgroup.claims.monthly-auto-approvals=2 here.
    assertThat(statuses.stream().filter(s -> !"PENDING".equals(s)).toList()).hasSize(2)
        .allSatisfy(s -> assertThat(s).isIn("APPROVED", "REFUNDED"));
    assertThat(statuses.stream().filter("PENDING"::equals).count()).isEqualTo(3);
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM claims WHERE order_id = '"
        + d.order() + "' AND status = 'REFUNDED' AND auto_approved") == 2);
  }

  @Test
  void aClaimOnAnOrderRedisNoLongerHoldsIsRefundedFromMySql() {
    Delivered d = delivered();
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM orders WHERE id = '" + d.order()
        + "' AND status = 'PICKED_UP' AND picked_up_at IS NOT NULL AND final_amount = " + PAID) == 1);
    // Retired: the activity is long over and Redis holds nothing of it any more.
    db.sql("UPDATE activities SET starts_at = :t, ends_at = :t WHERE id = :a")
        .bind("t", java.time.LocalDateTime.ofInstant(Instant.now().minus(Duration.ofDays(5)), ZoneOffset.UTC))
        .bind("a", d.activity()).then().block(PATIENCE);
    forgetInRedis(d.activity());

    Map<?, ?> claim = filed(d.buyer(), d.order(), claimBody("SPOILED", 400));
    assertThat(claim.get("status")).isEqualTo("REFUNDED");
    assertPaidOnce("RC" + id(claim), d.order(), 400);
    assertThat(redis.hasKey(keys.of(new ActivityId(d.activity())).order(d.order())).block(PATIENCE)).isFalse();
    long big = id(filed(d.buyer(), d.order(), claimBody("SPOILED", PAID - 400)));
    shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/claims/" + big + "/approval", null)
        .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("REFUNDED");
    assertPaidOnce("RC" + big, d.order(), PAID - 400);
    refused(file(d.buyer(), d.order(), claimBody("SPOILED", 1)), 400, "ABOVE_REFUNDABLE");
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** A picked-up solo order: {@code buyer}'s, at {@code point}, in {@code activity} of shop-1. */
  record Delivered(String buyer, long activity, long point, String order) {}

  private Delivered delivered() {
    String buyer = "claimant-" + BUYERS.incrementAndGet();
    String staff = "clerk-" + buyer;
    long point = shop.point("售后" + buyer, staff);
    Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    Map<String, Object> body = Shop.activity(2, 10, 5, Duration.ofMinutes(30), Duration.ofMinutes(30));
    Map<String, Object> pickup = new LinkedHashMap<>();
    pickup.put("points", List.of(Map.of("pointId", point, "stock", 10)));
    pickup.put("window", Map.of("from", from.toString(), "to", from.plus(Duration.ofHours(5)).toString()));
    body.put("pickup", pickup);
    long activity = shop.schedule("shop-1", body);
    String order = paidAtPoint(buyer, activity, point);
    await().atMost(PATIENCE).until(() -> pickupCode(buyer, order) != null);
    as("STAFF", staff).post().uri("/api/v1/pickup-points/{p}/verifications", point)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", pickupCode(buyer, order)))
        .exchange().expectStatus().isOk();
    return new Delivered(buyer, activity, point, order);
  }

  private String paidAtPoint(String buyer, long activity, long point) {
    Map<?, ?> order = as("CUSTOMER", buyer).post().uri("/api/v1/activities/{id}/orders", activity)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", point))
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    shop.pay(buyer, order.get("orderId"));
    return (String) order.get("orderId");
  }

  private String pickupCode(String buyer, String order) {
    var result = as("CUSTOMER", buyer).get().uri("/api/v1/orders/{o}/pickup", order).exchange()
        .expectBody(Map.class).returnResult();
    return result.getStatus().value() == 200 ? (String) result.getResponseBody().get("code") : null;
  }

  private static Map<String, Object> claimBody(String reason, long amount) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reason", reason);
    body.put("amount", amount);
    body.put("note", "半箱烂了");
    body.put("photoUrls", List.of("https://img.example.cn/claims/1.jpg"));
    return body;
  }

  private WebTestClient.ResponseSpec file(String buyer, String order, Map<String, Object> body) {
    return as("CUSTOMER", buyer).post().uri("/api/v1/orders/{o}/claims", order)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  private Map<?, ?> filed(String buyer, String order, Map<String, Object> body) {
    return file(buyer, order, body).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> merchantClaims(String merchant, String query) {
    Map<?, ?> page = shop.merchant(merchant, HttpMethod.GET, "/api/v1/merchant/claims" + query, null)
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    return (List<Map<String, Object>>) page.get("claims");
  }

  @SuppressWarnings("unchecked")
  private String claimStatus(String buyer, String order, long id) {
    Map<?, ?> body = as("CUSTOMER", buyer).get().uri("/api/v1/orders/{o}/claims", order).exchange()
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    return ((List<Map<String, Object>>) body.get("claims")).stream()
        .filter(c -> ((Number) c.get("id")).longValue() == id).map(c -> (String) c.get("status")).findFirst()
        .orElse(null);
  }

  /** The sandbox paid {@code refundNo} once, for {@code amount}; MySQL records it as a CLAIM refund, confirmed. */
  private void assertPaidOnce(String refundNo, String order, long amount) {
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no = '" + refundNo
        + "' AND status = 'CONFIRMED'") == 1);
    assertThat(redis.opsForHash().get(keys.sandboxRefunds(), refundNo).block(PATIENCE)).isEqualTo(Long.toString(amount));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no = '" + refundNo + "' AND order_id = '"
        + order + "' AND reason = 'CLAIM' AND amount = " + amount)).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM claims WHERE id = " + refundNo.substring(2)
        + " AND status = 'REFUNDED' AND approved_amount = " + amount)).isEqualTo(1);
  }

  private void forgetInRedis(long activity) {
    String prefix = keys.of(new ActivityId(activity)).prefix();
    redis.scan(ScanOptions.scanOptions().match(prefix + "*").count(1_000).build())
        .collectList().flatMap(found -> found.isEmpty() ? Mono.just(0L) : redis.delete(found.toArray(String[]::new)))
        .block(PATIENCE);
  }

  private static long id(Map<?, ?> claim) {
    return ((Number) claim.get("id")).longValue();
  }

  private void refused(WebTestClient.ResponseSpec answer, int status, String code) {
    answer.expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }

  private WebTestClient as(String role, String subject) {
    return http.mutate().defaultHeaders(h -> h.setBearerAuth(Tokens.of(role, subject))).build();
  }

  private WebClient client() {
    return WebClient.builder().baseUrl("http://localhost:" + port).build();
  }
}
