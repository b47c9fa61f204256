package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Leader applications over HTTP: a buyer applies, an admin approves (a POINT leader becomes the
 * point's staff) or rejects, the login then issues LEADER, and a suspension takes it away again.
 */
@IsolatedServices
@ApiTest
class LeaderApplicationsTest {

  private static final String APPLY = "/api/v1/leader-applications";
  private static final String ADMIN = "/api/v1/admin/leader-applications";
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  @Autowired PickupPoints points;

  @DynamicPropertySource
  static void wechat(DynamicPropertyRegistry registry) {
    WechatStandIn.register(registry);
  }

  private WebTestClient.ResponseSpec call(String token, HttpMethod method, String uri, Object body) {
    var request = http.method(method).uri(uri).headers(h -> h.setBearerAuth(token));
    return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  private WebTestClient.ResponseSpec as(String role, String subject, HttpMethod method, String uri, Object body) {
    return call(Tokens.of(role, subject), method, uri, body);
  }

  private static Map<String, Object> community(String name) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("phone", "+86 138 0013 8000");
    body.put("kind", "COMMUNITY");
    body.put("communityName", "浈江花园 3 群");
    body.put("note", "我每周组织两次团购");
    return body;
  }

  private static Map<String, Object> atPoint(String name, long pointId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("phone", "13800138000");
    body.put("kind", "POINT");
    body.put("pointId", pointId);
    return body;
  }

  private long apply(String buyer, Map<String, Object> body) {
    Map<?, ?> created = as("CUSTOMER", buyer, HttpMethod.POST, APPLY, body).expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody();
    assertThat(created.get("status")).isEqualTo("PENDING");
    assertThat(created.get("buyerId")).isEqualTo(buyer);
    return ((Number) created.get("id")).longValue();
  }

  private long point(String name) {
    Map<?, ?> created = as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/pickup-points",
            PickupPointsTest.point(name, 24.80, 113.60))
        .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    return ((Number) created.get("id")).longValue();
  }

  private long count(String sql) {
    return db.sql(sql).map(row -> row.get(0, Long.class)).one().block(PATIENCE);
  }

  @SuppressWarnings("unchecked")
  private static List<String> roles(String token) throws Exception {
    return (List<String>) SignedJWT.parse(token).getJWTClaimsSet().getClaim("roles");
  }

  @Test
  void approvedBuyerGetsLeaderInTheNextLoginUntilSuspended() throws Exception {
    String token = WechatStandIn.login(http, "lena.1");
    assertThat(roles(token)).containsExactly("CUSTOMER");
    String subject = SignedJWT.parse(token).getJWTClaimsSet().getSubject();
    call(token, HttpMethod.GET, "/api/v1/leader/profile", null).expectStatus().isForbidden();

    Map<?, ?> created = call(token, HttpMethod.POST, APPLY, community("Lena")).expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody();
    long id = ((Number) created.get("id")).longValue();
    assertThat(roles(WechatStandIn.login(http, "lena.2"))).containsExactly("CUSTOMER");

    as("ADMIN", "admin-1", HttpMethod.POST, ADMIN + "/" + id + "/approval", null).expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("APPROVED").jsonPath("$.decidedBy").isEqualTo("admin-1");
    String leaderToken = WechatStandIn.login(http, "lena.3");
    assertThat(roles(leaderToken)).containsExactly("CUSTOMER", "LEADER");
    call(leaderToken, HttpMethod.GET, "/api/v1/leader/profile", null).expectStatus().isOk()
        .expectBody().jsonPath("$.subject").isEqualTo(subject).jsonPath("$.kind").isEqualTo("COMMUNITY")
        .jsonPath("$.communityName").isEqualTo("浈江花园 3 群").jsonPath("$.status").isEqualTo("ACTIVE");

    as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/" + subject + "/suspension",
            Map.of("reason", "刷单"))
        .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("SUSPENDED")
        .jsonPath("$.suspendedReason").isEqualTo("刷单");
    // The old token still says LEADER until it expires; the leader endpoints ask MySQL.
    call(leaderToken, HttpMethod.GET, "/api/v1/leader/profile", null).expectStatus().isForbidden()
        .expectBody().jsonPath("$.code").isEqualTo("LEADER_SUSPENDED");
    assertThat(roles(WechatStandIn.login(http, "lena.4"))).containsExactly("CUSTOMER");
    as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/" + subject + "/suspension",
            Map.of("reason", "again"))
        .expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("ALREADY_SUSPENDED");
    assertThat(count("SELECT COUNT(*) FROM leaders WHERE subject = '" + subject
        + "' AND status = 'SUSPENDED' AND suspended_reason = '刷单' AND suspended_by = 'admin-1'")).isEqualTo(1);
  }

  @Test
  void oneOpenApplicationPerBuyerAndADecisionIsMadeOnce() {
    long id = apply("b501", community("Ann"));
    as("CUSTOMER", "b501", HttpMethod.POST, APPLY, community("Ann")).expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("APPLICATION_EXISTS");

    as("ADMIN", "admin-1", HttpMethod.GET, ADMIN + "?status=PENDING", null).expectStatus().isOk()
        .expectBody().jsonPath("$.applications[?(@.id == " + id + ")].name").isEqualTo("Ann");
    as("ADMIN", "admin-1", HttpMethod.POST, ADMIN + "/" + id + "/approval", null).expectStatus().isOk();
    as("ADMIN", "admin-2", HttpMethod.POST, ADMIN + "/" + id + "/approval", null).expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("ALREADY_DECIDED");
    as("ADMIN", "admin-2", HttpMethod.POST, ADMIN + "/" + id + "/rejection", Map.of("reason", "late"))
        .expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("ALREADY_DECIDED");
    as("CUSTOMER", "b501", HttpMethod.POST, APPLY, community("Ann")).expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("ALREADY_LEADER");
    as("ADMIN", "admin-1", HttpMethod.POST, ADMIN + "/999999/approval", null).expectStatus().isNotFound();
    assertThat(count("SELECT COUNT(*) FROM leaders WHERE subject = 'b501'")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM leader_applications WHERE buyer = 'b501'")).isEqualTo(1);
  }

  @Test
  void aRejectedBuyerMayApplyAgainAndTheRejectionKeepsItsReason() {
    long id = apply("b502", community("Bo"));
    as("ADMIN", "admin-1", HttpMethod.POST, ADMIN + "/" + id + "/rejection", Map.of("reason", " "))
        .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("reason");
    as("ADMIN", "admin-1", HttpMethod.POST, ADMIN + "/" + id + "/rejection", Map.of("reason", "x".repeat(501)))
        .expectStatus().isBadRequest();
    as("ADMIN", "admin-1", HttpMethod.POST, ADMIN + "/" + id + "/rejection", Map.of("reason", "手机号无法接通"))
        .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("REJECTED")
        .jsonPath("$.reason").isEqualTo("手机号无法接通");
    long again = apply("b502", community("Bo"));
    assertThat(again).isNotEqualTo(id);
    as("ADMIN", "admin-1", HttpMethod.GET, ADMIN + "?status=REJECTED", null).expectStatus().isOk()
        .expectBody().jsonPath("$.applications[?(@.id == " + id + ")].reason").isEqualTo("手机号无法接通")
        .jsonPath("$.applications[?(@.id == " + again + ")]").doesNotExist();
    assertThat(count("SELECT COUNT(*) FROM leaders WHERE subject = 'b502'")).isZero();
  }

  @Test
  void aPointLeaderBecomesThePointsStaffAndAPointHasOneLeader() {
    long pointId = point("芙蓉店");
    as("CUSTOMER", "b503", HttpMethod.POST, APPLY, atPoint("Cai", 987654)).expectStatus().isEqualTo(422)
        .expectBody().jsonPath("$.code").isEqualTo("UNKNOWN_PICKUP_POINT");
    long first = apply("b503", atPoint("Cai", pointId));
    long second = apply("b504", atPoint("Dai", pointId));

    as("ADMIN", "admin-1", HttpMethod.POST, ADMIN + "/" + first + "/approval", null).expectStatus().isOk();
    assertThat(points.actsFor("b503", pointId).block(PATIENCE)).isTrue();
    as("ADMIN", "admin-1", HttpMethod.POST, ADMIN + "/" + second + "/approval", null).expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("POINT_HAS_LEADER");
    as("ADMIN", "admin-1", HttpMethod.GET, ADMIN + "/" + second, null).expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("PENDING");
    assertThat(points.actsFor("b504", pointId).block(PATIENCE)).isFalse();
    as("LEADER", "b503", HttpMethod.GET, "/api/v1/leader/profile", null).expectStatus().isOk()
        .expectBody().jsonPath("$.pointId").isEqualTo(pointId);
    as("ADMIN", "admin-1", HttpMethod.GET, "/api/v1/admin/leaders/b503", null).expectStatus().isOk()
        .expectBody().jsonPath("$.kind").isEqualTo("POINT");

    // A deactivated point takes no new applications.
    long closed = point("关门店");
    as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/pickup-points/" + closed + "/deactivation", null)
        .expectStatus().isOk();
    as("CUSTOMER", "b505", HttpMethod.POST, APPLY, atPoint("Eve", closed)).expectStatus().isEqualTo(422);
  }

  @Test
  void concurrentApplicationsOfOneBuyerOpenOneAndConcurrentApprovalsApproveOnce() throws Exception {
    List<Integer> statuses = concurrently(10,
        () -> as("CUSTOMER", "b506", HttpMethod.POST, APPLY, community("Fay")).returnResult(Void.class).getStatus().value());
    assertThat(statuses).containsOnly(201, 409);
    assertThat(Collections.frequency(statuses, 201)).isEqualTo(1);
    long id = count("SELECT id FROM leader_applications WHERE buyer = 'b506'");

    List<Integer> approvals = concurrently(6,
        () -> as("ADMIN", "admin-1", HttpMethod.POST, ADMIN + "/" + id + "/approval", null)
            .returnResult(Void.class).getStatus().value());
    assertThat(Collections.frequency(approvals, 200)).isEqualTo(1);
    assertThat(Collections.frequency(approvals, 409)).isEqualTo(5);
    assertThat(count("SELECT COUNT(*) FROM leaders WHERE subject = 'b506'")).isEqualTo(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void hostileApplicationsAreRefusedWithEveryBadFieldAndChangeNothing() {
    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("name", "x".repeat(51));
    bad.put("phone", "call me");
    bad.put("kind", "COMMUNITY");
    bad.put("pointId", 3);
    bad.put("note", "line\u0000break");
    as("CUSTOMER", "b507", HttpMethod.POST, APPLY, bad).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST")
        .jsonPath("$.errors[*].field").value(fields -> assertThat((List<Object>) fields)
            .containsExactlyInAnyOrder("name", "phone", "pointId", "communityName", "note"));
    as("CUSTOMER", "b507", HttpMethod.POST, APPLY, Map.of("name", "G", "phone", "123", "kind", "MAYOR"))
        .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("kind");
    Map<String, Object> hugePoint = atPoint("G", 1);
    hugePoint.put("pointId", Long.MAX_VALUE);
    as("CUSTOMER", "b507", HttpMethod.POST, APPLY, hugePoint).expectStatus().isBadRequest();
    Map<String, Object> textPoint = atPoint("G", 1);
    textPoint.put("pointId", "1");
    as("CUSTOMER", "b507", HttpMethod.POST, APPLY, textPoint).expectStatus().isBadRequest();
    as("ADMIN", "admin-1", HttpMethod.GET, ADMIN + "?status=MAYBE", null).expectStatus().isBadRequest();
    as("ADMIN", "admin-1", HttpMethod.GET, ADMIN + "?limit=1000", null).expectStatus().isBadRequest();
    as("ADMIN", "admin-1", HttpMethod.GET, ADMIN + "/abc", null).expectStatus().isBadRequest();
    as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/" + "b".repeat(65) + "/suspension", Map.of("reason", "r"))
        .expectStatus().isNotFound();
    as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/b999/suspension", Map.of("reason", "r"))
        .expectStatus().isNotFound();
    assertThat(count("SELECT COUNT(*) FROM leader_applications WHERE buyer = 'b507'")).isZero();
  }

  @Test
  void onlyCustomersApplyOnlyAdminsDecideAndOnlyLeadersSeeTheirProfile() {
    long id = apply("b508", community("Hal"));
    as("STAFF", "clerk-1", HttpMethod.POST, APPLY, community("Ivy")).expectStatus().isForbidden();
    as("CUSTOMER", "b508", HttpMethod.POST, ADMIN + "/" + id + "/approval", null).expectStatus().isForbidden();
    as("LEADER", "b508", HttpMethod.POST, ADMIN + "/" + id + "/approval", null).expectStatus().isForbidden();
    as("CUSTOMER", "b508", HttpMethod.GET, ADMIN, null).expectStatus().isForbidden();
    as("CUSTOMER", "b508", HttpMethod.GET, "/api/v1/leader/profile", null).expectStatus().isForbidden();
    // A LEADER token for a subject that never was approved (minted by hand) sees nothing either.
    as("LEADER", "b508", HttpMethod.GET, "/api/v1/leader/profile", null).expectStatus().isForbidden()
        .expectBody().jsonPath("$.code").isEqualTo("NOT_A_LEADER");
    assertThat(count("SELECT COUNT(*) FROM leaders WHERE subject = 'b508'")).isZero();
  }

  private static List<Integer> concurrently(int n, java.util.function.Supplier<Integer> call) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(CompletableFuture.supplyAsync(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        return call.get();
      }));
    }
    start.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<Integer> f : futures) {
      statuses.add(f.get(30, TimeUnit.SECONDS));
    }
    return statuses;
  }
}
