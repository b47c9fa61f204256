package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.commission.CommissionLedger;
import dev.flashgroup.engine.commission.CommissionSettlement;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The leader's commission over HTTP, on the real services: a buyer becomes a leader, shares, two
 * referred buyers pay and pick up, the commission settles when the after-sales window has passed
 * (time passed in), the dashboard shows it and a withdrawal takes it out. Then the refunds: a
 * failed group earns nothing, a tiered group pays commission on its final price, a partial refund
 * after settlement takes part back (the balance goes negative and later commission makes it up).
 */
@IsolatedServices
@ApiTest
@TestPropertySource(properties = {"flashgroup.leaders.refresh=PT0.1S", "flashgroup.leaders.settle-enabled=false",
    "flashgroup.leaders.default-bps=500"})
class LeaderCommissionTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration SETTLE_AFTER = Duration.ofDays(7);

  @LocalServerPort int port;
  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  @Autowired CommissionSettlement settlement;
  @Autowired CommissionLedger ledger;

  private WebTestClient.ResponseSpec as(String role, String subject, HttpMethod method, String uri, Object body) {
    return new Calls(http).as(role, subject, method, uri, body);
  }

  private Map<?, ?> ok(WebTestClient.ResponseSpec answer) {
    return Calls.ok(answer);
  }

  private void refused(WebTestClient.ResponseSpec answer, int status, String code) {
    Calls.refused(answer, status, code);
  }

  /** Applies, is approved, and leads (a community: the point's staff hand out, not the leader). */
  private void lead(String buyer) {
    Map<String, Object> application = Map.of("name", "Lu", "phone", "13800138000", "kind", "COMMUNITY",
        "communityName", "花园群");
    Map<?, ?> applied = ok(as("CUSTOMER", buyer, HttpMethod.POST, "/api/v1/leader-applications", application));
    assertThat(applied.get("status")).isEqualTo("PENDING");
    ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leader-applications/" + applied.get("id") + "/approval",
        null));
    assertThat(ok(as("LEADER", buyer, HttpMethod.GET, "/api/v1/leader/profile", null)).get("status")).isEqualTo("ACTIVE");
  }

  private long point(String name) {
    Map<?, ?> created = ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/pickup-points",
        PickupPointsTest.point(name, 24.80, 113.60)));
    return ((Number) created.get("id")).longValue();
  }

  private long activity(Map<String, Object> body, long point, Integer bps) {
    body.put("pickup", Map.of("points", List.of(Map.of("pointId", point, "stock", body.get("stock")))));
    if (bps != null) {
      body.put("leaderCommissionBps", bps);
    }
    Map<?, ?> created = ok(as("MERCHANT", "shop-1", HttpMethod.POST, "/api/v1/merchant/activities", body));
    return ((Number) created.get("id")).longValue();
  }

  /** A reservation at the point, referred by {@code referrer}: its order id and group id. */
  private Map<?, ?> reserve(String buyer, String uri, long point, String referrer) {
    return ok(as("CUSTOMER", buyer, HttpMethod.POST, uri, Map.of("pickupPointId", point, "referrer", referrer)));
  }

  private void pay(String buyer, Object order) {
    as("CUSTOMER", buyer, HttpMethod.POST, "/api/v1/orders/" + order + "/payment", null).expectStatus().isOk();
  }

  private void pickUp(String buyer, String order, long point) {
    await().atMost(PATIENCE).until(() -> as("CUSTOMER", buyer, HttpMethod.GET, "/api/v1/orders/" + order + "/pickup",
        null).returnResult(Map.class).getStatus().value() == 200);
    String code = (String) ok(as("CUSTOMER", buyer, HttpMethod.GET, "/api/v1/orders/" + order + "/pickup", null))
        .get("code");
    ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/pickup-points/" + point + "/verifications",
        Map.of("code", code)));
  }

  /** The day the order was made, in {@code zone}, as the dashboard writes it. */
  private String orderedOn(String order, String zone) {
    LocalDateTime created = db.sql("SELECT created_at FROM orders WHERE id = :o").bind("o", order)
        .map(r -> r.get("created_at", LocalDateTime.class)).one().block(PATIENCE);
    return created.atOffset(ZoneOffset.UTC).atZoneSameInstant(ZoneId.of(zone)).toLocalDate().toString();
  }

  private long number(String sql) {
    return db.sql(sql).map(r -> ((Number) r.get(0)).longValue()).one().block(PATIENCE);
  }

  private String stage(String order) {
    return db.sql("SELECT stage FROM commissions WHERE order_id = :o").bind("o", order)
        .map(r -> r.get("stage", String.class)).one().block(PATIENCE);
  }

  private long total(String order) {
    return number("SELECT total FROM commissions WHERE order_id = '" + order + "'");
  }

  private Map<?, ?> dashboard(String leader) {
    return ok(as("LEADER", leader, HttpMethod.GET, "/api/v1/leader/dashboard", null));
  }

  private static List<Object> figures(Map<?, ?> d) {
    return List.of(d.get("expected"), d.get("earned"), d.get("settled"), d.get("reversed"), d.get("balance"),
        d.get("withdrawn"));
  }

  /** Settles whatever is due a settle-delay after now (the sweep with the time passed in). */
  private void afterTheSettleDelay() {
    settlement.settleDue(Instant.now().plus(SETTLE_AFTER).plusSeconds(60)).block(PATIENCE);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aSharedGroupPickedUpSettlesAndIsWithdrawn() {
    lead("lead-1");
    long point = point("红旗店");
    // 10 %: 299 fen on each 2,990 fen order.
    long activity = activity(Shop.activity(2, 10, 2, Duration.ofMinutes(30), Duration.ofMinutes(30)), point, 1000);
    Map<?, ?> merchantView = ok(as("MERCHANT", "shop-1", HttpMethod.GET, "/api/v1/merchant/activities/" + activity, null));
    assertThat(merchantView.get("leaderCommissionBps")).isEqualTo(1000);

    Map<?, ?> opened = reserve("ann", "/api/v1/activities/" + activity + "/groups", point, "lead-1");
    Map<?, ?> joined = reserve("ben", "/api/v1/groups/" + opened.get("groupId") + "/members", point, "lead-1");
    String ann = (String) opened.get("orderId");
    String ben = (String) joined.get("orderId");
    pay("ann", ann);
    pay("ben", ben);
    await().atMost(PATIENCE).until(() -> "EXPECTED".equals(stage(ann)) && "EXPECTED".equals(stage(ben)));
    assertThat(figures(dashboard("lead-1"))).containsExactly(598, 0, 0, 0, 0, 0);

    pickUp("ann", ann, point);
    pickUp("ben", ben, point);
    await().atMost(PATIENCE).until(() -> "EARNED".equals(stage(ann)) && "EARNED".equals(stage(ben)));
    assertThat(figures(dashboard("lead-1"))).containsExactly(0, 598, 0, 0, 0, 0);
    // Not before the after-sales window has passed.
    assertThat(settlement.settleDue(Instant.now()).block(PATIENCE)).isZero();
    afterTheSettleDelay();
    Map<?, ?> settled = dashboard("lead-1");
    assertThat(figures(settled)).containsExactly(0, 0, 598, 0, 598, 0);
    assertThat((Map<String, Object>) settled.get("groups")).containsEntry("opened", 1).containsEntry("succeeded", 1);
    assertThat((Map<String, Object>) settled.get("members")).containsEntry("bound", 2).containsEntry("newThisWeek", 2);
    List<Map<String, Object>> days = (List<Map<String, Object>>) settled.get("orders");
    assertThat(days).hasSize(7);
    // Each order on its own day in Asia/Shanghai (both today, unless they straddle its midnight).
    Map<String, Integer> perDay = new HashMap<>();
    perDay.merge(orderedOn(ann, "Asia/Shanghai"), 1, Integer::sum);
    perDay.merge(orderedOn(ben, "Asia/Shanghai"), 1, Integer::sum);
    perDay.forEach((day, n) -> assertThat(days).filteredOn(d -> day.equals(d.get("date"))).singleElement()
        .satisfies(d -> assertThat(d).containsEntry("orders", n).containsEntry("gmv", 2990 * n)
            .containsEntry("commission", 299 * n)));
    assertThat(days).filteredOn(d -> !perDay.containsKey(d.get("date"))).extracting(d -> d.get("orders"))
        .containsOnly(0);
    assertThat(settled.get("zone")).isEqualTo("Asia/Shanghai");

    // The ledger: each entry with its order and reason, newest first, in keyset pages.
    Map<?, ?> page = ok(as("LEADER", "lead-1", HttpMethod.GET, "/api/v1/leader/ledger?limit=4", null));
    List<Map<String, Object>> entries = (List<Map<String, Object>>) page.get("entries");
    assertThat(entries).extracting(e -> e.get("kind")).containsExactly("SETTLED", "SETTLED", "EARNED", "EARNED");
    Map<?, ?> rest = ok(as("LEADER", "lead-1", HttpMethod.GET, "/api/v1/leader/ledger?cursor=" + page.get("next"), null));
    List<Map<String, Object>> older = (List<Map<String, Object>>) rest.get("entries");
    assertThat(older).extracting(e -> e.get("kind")).containsExactly("EXPECTED", "EXPECTED");
    assertThat(older).extracting(e -> e.get("reason")).containsOnly("PAID");
    assertThat(older).extracting(e -> e.get("amount")).containsOnly(299);
    assertThat(older).extracting(e -> e.get("orderId")).containsExactlyInAnyOrder(ann, ben);
    assertThat(rest.get("next")).isNull();

    // Withdrawals: at least the minimum, at most the balance, one pending at a time.
    refused(as("LEADER", "lead-1", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 999)), 422,
        "BELOW_MINIMUM_WITHDRAWAL");
    refused(as("LEADER", "lead-1", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 0)), 400,
        "INVALID_REQUEST");
    refused(as("LEADER", "lead-1", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 1.5)), 400,
        "MALFORMED_REQUEST");
    // 598 fen is below the default minimum of 1000: a second group brings the balance over it.
    String[] more = settledGroup("lead-1", activity, point, "cat", "dan");
    assertThat(figures(dashboard("lead-1"))).containsExactly(0, 0, 1196, 0, 1196, 0);
    refused(as("LEADER", "lead-1", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 1197)), 409,
        "INSUFFICIENT_BALANCE");
    Map<?, ?> withdrawal = ok(as("LEADER", "lead-1", HttpMethod.POST, "/api/v1/leader/withdrawals",
        Map.of("amount", 1196)));
    assertThat(withdrawal.get("status")).isEqualTo("PENDING");
    assertThat(figures(dashboard("lead-1"))).containsExactly(0, 0, 1196, 0, 0, 0);
    refused(as("LEADER", "lead-1", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 1000)), 409,
        "WITHDRAWAL_PENDING");
    refused(as("LEADER", "lead-1", HttpMethod.POST, "/api/v1/admin/withdrawals/" + withdrawal.get("id") + "/payment",
        Map.of("transferReference", "WX-1")), 403, "FORBIDDEN");
    Map<?, ?> paid = ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/withdrawals/" + withdrawal.get("id")
        + "/payment", Map.of("transferReference", "WXT-20261201-1")));
    assertThat(paid.get("status")).isEqualTo("PAID");
    assertThat(paid.get("transferReference")).isEqualTo("WXT-20261201-1");
    refused(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/withdrawals/" + withdrawal.get("id") + "/rejection",
        Map.of("reason", "late")), 409, "ALREADY_DECIDED");
    assertThat(figures(dashboard("lead-1"))).containsExactly(0, 0, 1196, 0, 0, 1196);

    // An after-sales claim for half of a settled order, filed by its buyer and approved by the
    // merchant: refunded as RC<claimId>, 150 fen of commission back, the balance goes negative, and
    // the next settled commission makes it up. A second approval changes nothing.
    Map<?, ?> claim = ok(as("CUSTOMER", "cat", HttpMethod.POST, "/api/v1/orders/" + more[0] + "/claims",
        Map.of("reason", "SPOILED", "amount", 1495, "note", "桃子坏了一半")));
    assertThat(claim.get("status")).isEqualTo("PENDING");
    String claimPath = "/api/v1/merchant/claims/" + claim.get("id") + "/approval";
    assertThat(ok(as("MERCHANT", "shop-1", HttpMethod.POST, claimPath, Map.of())).get("status")).isEqualTo("REFUNDED");
    refused(as("MERCHANT", "shop-1", HttpMethod.POST, claimPath, Map.of()), 409, "ALREADY_DECIDED");
    String refundNo = "RC" + claim.get("id");
    await().atMost(PATIENCE).until(() -> total(more[0]) == 149);
    // The daily sales follow the lowered commission (the refresh runs after the refund's commit).
    await().atMost(PATIENCE).until(() -> number("SELECT commission FROM sales_order_facts WHERE order_id = '"
        + more[0] + "'") == 149);
    assertThat(number("SELECT SUM(commission) FROM sales_daily WHERE leader_id = 'lead-1'"))
        .isEqualTo(number("SELECT SUM(total) FROM commissions WHERE leader_id = 'lead-1'"));
    assertThat(figures(dashboard("lead-1"))).containsExactly(0, 0, 1196, 150, -150, 1196);
    // The ledger's own entry point for the same refund (a repeated confirmation) takes nothing more.
    assertThat(ledger.reverseForRefund(more[0], refundNo, 1495, 2990).block(PATIENCE)).isEqualTo(150);
    assertThat(total(more[0])).isEqualTo(149);
    settledGroup("lead-1", activity, point, "eve", "fay");
    assertThat(figures(dashboard("lead-1"))).containsExactly(0, 0, 1794, 150, 448, 1196);
    assertThat(number("SELECT COUNT(*) FROM commission_entries WHERE ref = '" + refundNo + "' AND amount = -150"))
        .isEqualTo(1);

    // An admin sees the same dashboard under the leader's path; a customer sees none.
    Map<?, ?> seenByAdmin = ok(as("ADMIN", "admin-1", HttpMethod.GET, "/api/v1/admin/leaders/lead-1/dashboard", null));
    assertThat(figures(seenByAdmin)).isEqualTo(figures(dashboard("lead-1")));
    refused(as("CUSTOMER", "ann", HttpMethod.GET, "/api/v1/leader/dashboard", null), 403, "FORBIDDEN");
    refused(as("CUSTOMER", "ann", HttpMethod.GET, "/api/v1/leader/ledger", null), 403, "FORBIDDEN");
    refused(as("LEADER", "lead-1", HttpMethod.GET, "/api/v1/admin/leaders/lead-1/dashboard", null), 403, "FORBIDDEN");
    refused(as("ADMIN", "admin-1", HttpMethod.GET, "/api/v1/admin/leaders/nobody/dashboard", null), 404, "NOT_FOUND");
  }

  /** Two more referred buyers at the point pay, pick up, and their commission settles. */
  private String[] settledGroup(String leader, long activity, long point, String first, String second) {
    Map<?, ?> opened = reserve(first, "/api/v1/activities/" + activity + "/groups", point, leader);
    Map<?, ?> joined = reserve(second, "/api/v1/groups/" + opened.get("groupId") + "/members", point, leader);
    String a = (String) opened.get("orderId");
    String b = (String) joined.get("orderId");
    pay(first, a);
    pay(second, b);
    pickUp(first, a, point);
    pickUp(second, b, point);
    await().atMost(PATIENCE).until(() -> "EARNED".equals(stage(a)) && "EARNED".equals(stage(b)));
    afterTheSettleDelay();
    assertThat(List.of(stage(a), stage(b))).containsOnly("SETTLED");
    return new String[] {a, b};
  }

  @Test
  void aFailedGroupEarnsNothing() {
    lead("lead-2");
    long point = point("二号站");
    long activity = activity(Shop.activity(2, 10, 2, Duration.ofSeconds(2), Duration.ofMinutes(5)), point, null);
    Map<?, ?> opened = reserve("gus", "/api/v1/activities/" + activity + "/groups", point, "lead-2");
    String order = (String) opened.get("orderId");
    pay("gus", order);
    // The group's deadline passes with one member: it fails, the payment is refunded in full.
    await().atMost(PATIENCE).until(() -> number("SELECT COUNT(*) FROM commission_entries WHERE order_id = '" + order
        + "' AND kind = 'REVERSED' AND reason = 'GROUP_FAILED'") == 1);
    // The default rate (5 % here): 149 fen expected, all of it reversed.
    assertThat(number("SELECT amount FROM commission_entries WHERE order_id = '" + order + "' AND kind = 'EXPECTED'"))
        .isEqualTo(149);
    assertThat(total(order)).isZero();
    afterTheSettleDelay();
    assertThat(figures(dashboard("lead-2"))).containsExactly(0, 0, 0, 149, 0, 0);
    assertThat(stage(order)).isEqualTo("EXPECTED");
  }

  @Test
  void aTieredGroupPaysCommissionOnItsFinalPrice() {
    lead("lead-3");
    long point = point("三号柜");
    Map<String, Object> body = Shop.tiered(Duration.ofMinutes(30), new long[] {2, 3000}, new long[] {3, 2500});
    body.put("stock", 10);
    long activity = activity(body, point, 1000);
    Map<?, ?> opened = reserve("hal", "/api/v1/activities/" + activity + "/groups", point, "lead-3");
    List<String> orders = new ArrayList<>(List.of((String) opened.get("orderId")));
    for (String buyer : List.of("ivy", "jon")) {
      orders.add((String) reserve(buyer, "/api/v1/groups/" + opened.get("groupId") + "/members", point, "lead-3")
          .get("orderId"));
    }
    List<String> buyers = List.of("hal", "ivy", "jon");
    for (int i = 0; i < 3; i++) {
      pay(buyers.get(i), orders.get(i));
    }
    // Full at three: the group succeeds at 2,500 and each member gets 500 back; commission 250, not 300.
    await().atMost(PATIENCE).until(() -> number("SELECT COUNT(*) FROM commission_entries WHERE kind = 'ADJUSTED'"
        + " AND leader_id = 'lead-3'") == 3);
    for (String order : orders) {
      assertThat(total(order)).isEqualTo(250);
      assertThat(number("SELECT amount FROM commission_entries WHERE order_id = '" + order + "' AND kind = 'ADJUSTED'"))
          .isEqualTo(-50);
    }
    assertThat(figures(dashboard("lead-3"))).containsExactly(750, 0, 0, 0, 0, 0);
  }

  /**
   * Exactly one of concurrent withdrawals is accepted, the others answered WITHDRAWAL_PENDING. This
   * shows the one-pending rule under concurrency (the leader's row lock and, as its last line, the
   * unique pending key both answer it); the balance check is shown after decisions, below and in
   * {@link #aWithdrawalTakesOnlyWhatIsLeftAfterThosePaidAndOneTransferPaysOneWithdrawal}.
   */
  @Test
  void ofConcurrentWithdrawalsOfTheWholeBalanceExactlyOneIsAccepted() {
    lead("lead-4");
    // A settled balance of 5,000 fen (the ledger has its own tests).
    planted("999-1", "lead-4", "SETTLED", 5000);
    WebClient client = WebClient.builder().baseUrl("http://localhost:" + port)
        .defaultHeaders(h -> h.setBearerAuth(Tokens.of("LEADER", "lead-4"))).build();
    List<Integer> statuses = Flux.range(0, 8)
        .flatMap(i -> client.post().uri("/api/v1/leader/withdrawals").contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("amount", 5000)).exchangeToMono(r -> Mono.just(r.statusCode().value())), 8)
        .collectList().block(PATIENCE);
    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 409).hasSize(7);
    refused(as("LEADER", "lead-4", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 5000)), 409,
        "WITHDRAWAL_PENDING");
    assertThat(number("SELECT COUNT(*) FROM withdrawals WHERE leader_id = 'lead-4'")).isEqualTo(1);
    assertThat(figures(dashboard("lead-4")).get(4)).isEqualTo(0);

    // Rejected, the amount is back in the balance; the admin may take commission back, once, with a reason.
    long id = number("SELECT id FROM withdrawals WHERE leader_id = 'lead-4'");
    refused(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/withdrawals/" + id + "/rejection",
        Map.of("reason", "")), 400, "INVALID_REQUEST");
    ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/withdrawals/" + id + "/rejection",
        Map.of("reason", "账户信息有误")));
    assertThat(figures(dashboard("lead-4")).get(4)).isEqualTo(5000);
    Map<?, ?> reversal = ok(as("ADMIN", "admin-1", HttpMethod.POST,
        "/api/v1/admin/leaders/lead-4/commissions/999-1/reversal", Map.of("reason", "刷单")));
    assertThat(reversal.get("amount")).isEqualTo(-5000);
    assertThat(reversal.get("note")).isEqualTo("刷单");
    refused(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/lead-4/commissions/999-1/reversal",
        Map.of("reason", "again")), 409, "ALREADY_REVERSED");
    refused(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/lead-1/commissions/999-1/reversal",
        Map.of("reason", "wrong leader")), 404, "NOT_FOUND");
    for (String notAnOrder : List.of("x", "999", "999-", "-1", "0-1", "999-1x", "9".repeat(41) + "-1")) {
      refused(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/lead-4/commissions/" + notAnOrder
          + "/reversal", Map.of("reason", "刷单")), 400, "INVALID_REQUEST");
    }
    assertThat(figures(dashboard("lead-4"))).containsExactly(0, 0, 0, 5000, 0, 0);
  }

  @Test
  void aWithdrawalTakesOnlyWhatIsLeftAfterThosePaidAndOneTransferPaysOneWithdrawal() {
    lead("lead-7");
    planted("997-1", "lead-7", "SETTLED", 5000);
    ok(as("LEADER", "lead-7", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 3000)));
    long first = number("SELECT id FROM withdrawals WHERE leader_id = 'lead-7'");
    ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/withdrawals/" + first + "/payment",
        Map.of("transferReference", "TR-lead-7-1")));
    // No withdrawal pending: only the balance (2,000 left) refuses more than half of the 5,000 again.
    refused(as("LEADER", "lead-7", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 3000)), 409,
        "INSUFFICIENT_BALANCE");
    ok(as("LEADER", "lead-7", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 2000)));
    long second = number("SELECT MAX(id) FROM withdrawals WHERE leader_id = 'lead-7'");
    refused(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/withdrawals/" + second + "/payment",
        Map.of("transferReference", "TR-lead-7-1")), 409, "TRANSFER_REFERENCE_USED");
    assertThat(number("SELECT COUNT(*) FROM withdrawals WHERE id = " + second + " AND status = 'PENDING'"))
        .isEqualTo(1);
    ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/withdrawals/" + second + "/payment",
        Map.of("transferReference", "TR-lead-7-2")));
    assertThat(figures(dashboard("lead-7")).get(4)).isEqualTo(0);
  }

  @Test
  void aSuspendedLeaderKeepsWhatTheyEarned() {
    lead("lead-6");
    // Earned (picked up) commission of 700 fen, due to settle now.
    planted("998-1", "lead-6", "EARNED", 700);
    ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/lead-6/suspension", Map.of("reason", "投诉")));
    settlement.settleDue(Instant.now().plusSeconds(60)).block(PATIENCE);

    assertThat(stage("998-1")).isEqualTo("SETTLED");
    assertThat(figures(ok(as("ADMIN", "admin-1", HttpMethod.GET, "/api/v1/admin/leaders/lead-6/dashboard", null))))
        .containsExactly(0, 0, 700, 0, 700, 0);
    refused(as("LEADER", "lead-6", HttpMethod.GET, "/api/v1/leader/dashboard", null), 403, "LEADER_SUSPENDED");
    refused(as("LEADER", "lead-6", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 700)), 403,
        "LEADER_SUSPENDED");
    assertThat(ok(as("ADMIN", "admin-1", HttpMethod.GET, "/api/v1/admin/leaders/lead-6/ledger", null)).get("entries"))
        .asList().hasSize(1);
  }

  /** A commission written as the ledger would have left it: 10 % of ten times {@code total}, picked up, due now. */
  private void planted(String order, String leader, String stage, long total) {
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
    db.sql("INSERT INTO commissions (order_id, leader_id, activity_id, bps, paid_amount, picked_up_at, stage, total,"
            + " base, settle_at, version, created_at, updated_at) VALUES (:order, :leader, 999, 1000, :paid, :now,"
            + " :stage, :total, :total, :now, 1, :now, :now)")
        .bind("order", order).bind("leader", leader).bind("paid", total * 10).bind("stage", stage)
        .bind("total", total).bind("now", now).then().block(PATIENCE);
  }

  @Test
  void boundsAreCheckedBeforeAnythingChanges() {
    Map<String, Object> tooHigh = Shop.activity(2, 10, 2, Duration.ofMinutes(30), Duration.ofMinutes(30));
    tooHigh.put("leaderCommissionBps", 3001);
    as("MERCHANT", "shop-1", HttpMethod.POST, "/api/v1/merchant/activities", tooHigh).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST")
        .jsonPath("$.errors[0].field").isEqualTo("leaderCommissionBps");
    Map<String, Object> negative = new LinkedHashMap<>(tooHigh);
    negative.put("leaderCommissionBps", -1);
    as("MERCHANT", "shop-1", HttpMethod.POST, "/api/v1/merchant/activities", negative).expectStatus().isBadRequest();
    long defaulted = ((Number) ok(as("MERCHANT", "shop-1", HttpMethod.POST, "/api/v1/merchant/activities",
        Shop.activity(2, 10, 2, Duration.ofMinutes(30), Duration.ofMinutes(30)))).get("id")).longValue();
    assertThat(ok(as("MERCHANT", "shop-1", HttpMethod.GET, "/api/v1/merchant/activities/" + defaulted, null))
        .get("leaderCommissionBps")).isEqualTo(500);

    lead("lead-5");
    refused(as("LEADER", "lead-5", HttpMethod.GET, "/api/v1/leader/dashboard?from=2026-13-01", null), 400,
        "INVALID_REQUEST");
    refused(as("LEADER", "lead-5", HttpMethod.GET, "/api/v1/leader/dashboard?from=2026-01-01&to=2026-12-01", null), 400,
        "INVALID_REQUEST");
    refused(as("LEADER", "lead-5", HttpMethod.GET, "/api/v1/leader/ledger?cursor=0", null), 400, "INVALID_REQUEST");
    refused(as("LEADER", "lead-5", HttpMethod.GET, "/api/v1/leader/ledger?limit=101", null), 400, "INVALID_REQUEST");
    refused(as("LEADER", "lead-5", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of()), 400, "INVALID_REQUEST");
    refused(as("LEADER", "lead-5", HttpMethod.POST, "/api/v1/leader/withdrawals", Map.of("amount", 1000)), 409,
        "INSUFFICIENT_BALANCE");
    refused(as("LEADER", "never-led", HttpMethod.GET, "/api/v1/leader/dashboard", null), 403, "NOT_A_LEADER");
    Map<?, ?> d = ok(as("LEADER", "lead-5", HttpMethod.GET, "/api/v1/leader/dashboard?from=2026-11-01&to=2026-11-30",
        null));
    assertThat((List<?>) d.get("orders")).hasSize(30);
    assertThat(number("SELECT COUNT(*) FROM withdrawals WHERE leader_id = 'lead-5'")).isZero();
  }
}
