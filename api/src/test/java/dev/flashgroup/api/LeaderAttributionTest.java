package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Attribution over HTTP: an order goes to the referrer if it is an active leader, else to the
 * leader the buyer is bound to, else to the leader of its pickup point, else to nobody; Redis, the
 * event and MySQL agree, and the binding and its changes are recorded.
 */
@IsolatedServices
@ApiTest
@TestPropertySource(properties = "flashgroup.leaders.refresh=PT0.1S")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaderAttributionTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  private Shop shop;
  private Rows rows;
  private long point;
  private long atPoint;
  private long anywhere;

  @BeforeAll
  void leadersAndActivities() {
    shop = new Shop(http);
    rows = new Rows(db);
    point = point("红旗店");
    lead("b601", community());
    lead("b602", Map.of("name", "Pat", "phone", "13800138000", "kind", "POINT", "pointId", point));
    lead("b603", community());
    lead("b604", community());
    as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/b603/suspension", Map.of("reason", "投诉"))
        .expectStatus().isOk();
    Map<String, Object> pickup = Shop.activity(2, 50, 5, Duration.ofMinutes(30), Duration.ofMinutes(30));
    pickup.put("pickup", Map.of("points", List.of(Map.of("pointId", point, "stock", 50))));
    atPoint = shop.schedule("shop-1", pickup);
    anywhere = shop.schedule("shop-1", Shop.activity(2, 50, 5, Duration.ofMinutes(30), Duration.ofMinutes(30)));
  }

  private static Map<String, Object> community() {
    return Map.of("name", "Lu", "phone", "13800138000", "kind", "COMMUNITY", "communityName", "花园群");
  }

  private WebTestClient.ResponseSpec as(String role, String subject, HttpMethod method, String uri, Object body) {
    var request = http.method(method).uri(uri).headers(h -> h.setBearerAuth(Tokens.of(role, subject)));
    return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  private void lead(String buyer, Map<String, Object> application) {
    Map<?, ?> created = as("CUSTOMER", buyer, HttpMethod.POST, "/api/v1/leader-applications", application)
        .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leader-applications/" + created.get("id") + "/approval", null)
        .expectStatus().isOk();
  }

  private long point(String name) {
    Map<?, ?> created = as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/pickup-points",
            PickupPointsTest.point(name, 24.80, 113.60))
        .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    return ((Number) created.get("id")).longValue();
  }

  /** A solo order; {@code referrer} and {@code pointId} go in the body when not null. */
  private String buy(String buyer, long activity, Long pointId, String referrer) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (pointId != null) {
      body.put("pickupPointId", pointId);
    }
    if (referrer != null) {
      body.put("referrer", referrer);
    }
    Map<?, ?> reserved = as("CUSTOMER", buyer, HttpMethod.POST, "/api/v1/activities/" + activity + "/orders", body)
        .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    return (String) reserved.get("orderId");
  }

  /** The order's leader in Redis, and in MySQL once projected (they must agree); null for nobody. */
  private String leaderOf(String order) {
    String inRedis = redis.<String, String>opsForHash()
        .get(keys.of(ActivityId.owning(order).orElseThrow()).order(order), "leader").block(PATIENCE);
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM orders WHERE id = '" + order + "'") == 1);
    String inMysql = db.sql("SELECT leader_id FROM orders WHERE id = :id").bind("id", order)
        .map(r -> java.util.Optional.ofNullable(r.get("leader_id", String.class))).one().block(PATIENCE).orElse(null);
    assertThat(inMysql).as("MySQL's leader of %s", order).isEqualTo(inRedis);
    return inRedis;
  }

  private void boundInMysql(String buyer, String leader) {
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM leader_bindings WHERE buyer = '"
        + buyer + "' AND leader = '" + leader + "'") == 1);
  }

  @Test
  void theReferrerIsCreditedAndBindsTheBuyerWhoseLaterOrdersGoToThatLeader() {
    String referred = buy("b610", anywhere, null, "b601");
    assertThat(leaderOf(referred)).isEqualTo("b601");
    boundInMysql("b610", "b601");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM leader_binding_changes WHERE buyer = 'b610'"
        + " AND leader_before IS NULL AND leader_after = 'b601' AND order_id = '" + referred + "'")).isEqualTo(1);

    // The directory reloads every 0.1 s: the next order without a referrer goes to the bound leader,
    // also at a point that has a leader of its own.
    await().atMost(PATIENCE).until(() -> "b601".equals(leaderOf(buy("b610", atPoint, point, null))));
    // Another leader's referral wins the order but not the binding.
    assertThat(leaderOf(buy("b610", anywhere, null, "b602"))).isEqualTo("b602");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM leader_binding_changes WHERE buyer = 'b610'")).isEqualTo(1);
    boundInMysql("b610", "b601");
  }

  @Test
  void aSuspendedOrUnknownReferrerFallsBackToThePointsLeaderOrNobody() {
    assertThat(leaderOf(buy("b611", atPoint, point, "b603"))).isEqualTo("b602");
    assertThat(leaderOf(buy("b611", anywhere, null, "b603"))).isNull();
    assertThat(leaderOf(buy("b612", anywhere, null, "b999"))).isNull();
    assertThat(leaderOf(buy("b612", anywhere, null, null))).isNull();
    assertThat(rows.count("SELECT COUNT(*) AS n FROM leader_bindings WHERE buyer IN ('b611', 'b612')")).isZero();
  }

  @Test
  void anExpiredBindingCreditsNobodyAndTheNextReferrerBindsTheBuyerAfresh() {
    LocalDateTime longAgo = LocalDateTime.ofInstant(Instant.now().minus(Duration.ofDays(31)), ZoneOffset.UTC);
    db.sql("INSERT INTO leader_bindings (buyer, leader, last_referred_at, updated_at) VALUES ('b613', 'b601', :at, :at)")
        .bind("at", longAgo).then().block(PATIENCE);
    LocalDateTime recently = LocalDateTime.ofInstant(Instant.now().minus(Duration.ofDays(29)), ZoneOffset.UTC);
    db.sql("INSERT INTO leader_bindings (buyer, leader, last_referred_at, updated_at) VALUES ('b614', 'b601', :at, :at)")
        .bind("at", recently).then().block(PATIENCE);
    await().atMost(PATIENCE).until(() -> "b601".equals(leaderOf(buy("b614", anywhere, null, null))));

    assertThat(leaderOf(buy("b613", anywhere, null, null))).isNull();
    assertThat(leaderOf(buy("b613", atPoint, point, null))).isEqualTo("b602");
    String rebound = buy("b613", anywhere, null, "b602");
    assertThat(leaderOf(rebound)).isEqualTo("b602");
    boundInMysql("b613", "b602");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM leader_binding_changes WHERE buyer = 'b613'"
        + " AND leader_before = 'b601' AND leader_after = 'b602' AND order_id = '" + rebound + "'")).isEqualTo(1);
  }

  @Test
  void aSuspensionStopsNewAttributionAtOnce() {
    assertThat(leaderOf(buy("b615", anywhere, null, "b604"))).isEqualTo("b604");
    boundInMysql("b615", "b604");
    await().atMost(PATIENCE).until(() -> "b604".equals(leaderOf(buy("b615", anywhere, null, null))));
    as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/b604/suspension", Map.of("reason", "刷单"))
        .expectStatus().isOk();
    // Suspended on this instance: its directory reloaded before the answer; the binding credits nobody now.
    assertThat(leaderOf(buy("b616", anywhere, null, "b604"))).isNull();
    assertThat(leaderOf(buy("b615", anywhere, null, null))).isNull();
  }

  @Test
  void aHostileReferrerIsRefusedAndTakesNothing() {
    for (Object referrer : List.of("no body", "x".repeat(65), "", "b1\u0000")) {
      as("CUSTOMER", "b617", HttpMethod.POST, "/api/v1/activities/" + anywhere + "/orders", Map.of("referrer", referrer))
          .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("referrer");
    }
    as("CUSTOMER", "b617", HttpMethod.POST, "/api/v1/activities/" + anywhere + "/orders", Map.of("referrer", 42))
        .expectStatus().isBadRequest();
    assertThat(rows.count("SELECT COUNT(*) AS n FROM orders WHERE buyer_id = 'b617'")).isZero();
    assertThat(redis.<String, String>opsForHash().get(keys.of(new ActivityId(anywhere)).quota(), "b617")
        .block(PATIENCE)).isNull();
  }
}
