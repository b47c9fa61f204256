package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An activity's stock allocated across pickup points (库存分账): each reservation names a point and
 * takes its unit from that point's share in the same Lua call; 1,000 buyers at once never take a
 * point past its share.
 */
@IsolatedServices
@ApiTest
// Counts, not latency: 1,000 scripts queued behind other work on a shared machine may take longer
// than the production timeout of 2 s.
@TestPropertySource(properties = "spring.data.redis.timeout=20s")
class PickupAllocationTest {

  private static final int BUYERS = 1_000;
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired WebTestClient http;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired DatabaseClient db;
  Shop shop;
  Rows rows;

  record Answer(int status, String code, String orderId, long point) {}

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
    rows = new Rows(db);
  }

  private long point(String name) {
    Map<?, ?> created = http.post().uri("/api/v1/admin/pickup-points")
        .headers(h -> h.setBearerAuth(Tokens.of("ADMIN", "admin-1")))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(PickupPointsTest.point(name, 24.8, 113.6))
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    return ((Number) created.get("id")).longValue();
  }

  /** An activity of the given shares ({point, stock} pairs), its stock their sum. */
  private static Map<String, Object> allocated(int groupSize, int perUserLimit, long[]... shares) {
    int stock = 0;
    for (long[] share : shares) {
      stock += (int) share[1];
    }
    Map<String, Object> body = Shop.activity(groupSize, stock, perUserLimit, Duration.ofMinutes(30), Duration.ofMinutes(30));
    Map<String, Object> pickup = new LinkedHashMap<>();
    pickup.put("points", java.util.Arrays.stream(shares).map(s -> Map.of("pointId", s[0], "stock", s[1])).toList());
    pickup.put("window", Map.of("from", Instant.now().plus(Duration.ofDays(1)).toString(),
        "to", Instant.now().plus(Duration.ofDays(1)).plus(Duration.ofHours(2)).toString()));
    pickup.put("perishable", true);
    body.put("pickup", pickup);
    return body;
  }

  private WebTestClient.ResponseSpec reserve(String buyer, String uri, Object body, String idempotencyKey) {
    var request = http.post().uri(uri).headers(h -> {
      h.setBearerAuth(Tokens.of("CUSTOMER", buyer));
      if (idempotencyKey != null) {
        h.set("Idempotency-Key", idempotencyKey);
      }
    });
    return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  private static String text(JsonNode body, String field) {
    return body.hasNonNull(field) ? body.get(field).asString() : null;
  }

  @Test
  void aThousandBuyersAtThreePointsTakeExactlyEachPointsShare() {
    long first = point("一号店");
    long second = point("二号站");
    long third = point("三号柜");
    Map<Long, Integer> shares = Map.of(first, 30, second, 30, third, 40);
    long activity = shop.schedule("shop-1", allocated(2, 1, new long[] {first, 30}, new long[] {second, 30},
        new long[] {third, 40}));
    ConnectionProvider pool = ConnectionProvider.builder("pickup-buyers").maxConnections(BUYERS)
        .pendingAcquireTimeout(PATIENCE).build();
    WebClient client = WebClient.builder().baseUrl("http://localhost:" + port)
        .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool))).build();

    // Skewed: half name the first point; the rest alternate. Even buyers buy alone, odd ones match.
    List<Map.Entry<Long, Map.Entry<Integer, String>>> responses = Flux.range(0, BUYERS)
        .flatMap(i -> {
          long at = i < BUYERS / 2 ? first : i % 2 == 0 ? second : third;
          String uri = i % 2 == 0 ? "/api/v1/activities/{id}/orders" : "/api/v1/activities/{id}/groups/match";
          return client.post().uri(uri, activity).headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "buyer-" + i)))
              .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", at))
              .exchangeToMono(response -> response.bodyToMono(String.class)
                  .map(body -> Map.entry(at, Map.entry(response.statusCode().value(), body))));
        }, BUYERS)
        .collectList()
        .block(PATIENCE);
    pool.dispose();
    List<Answer> answers = responses.stream().map(r -> {
      JsonNode body = JSON.readTree(r.getValue().getValue());
      return new Answer(r.getValue().getKey(), text(body, "code"), text(body, "orderId"), r.getKey());
    }).toList();

    List<Answer> accepted = answers.stream().filter(a -> a.status() == 201).toList();
    assertThat(accepted).hasSize(100);
    assertThat(answers.stream().filter(a -> a.status() != 201).map(a -> a.status() + " " + a.code()).distinct())
        .isSubsetOf("409 POINT_SOLD_OUT", "409 SOLD_OUT", "409 GROUP_FULL", "409 LIMIT_REACHED");
    Map<Long, Long> perPoint = accepted.stream().collect(Collectors.groupingBy(Answer::point, Collectors.counting()));
    assertThat(perPoint).containsExactlyInAnyOrderEntriesOf(
        shares.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue())));

    var k = keys.of(new ActivityId(activity));
    Map<String, String> hash = redis.<String, String>opsForHash().entries(k.activity())
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
    assertThat(hash).containsEntry("stock", "0").containsEntry(RedisKeys.ActivityKeys.pointStockField(first), "0")
        .containsEntry(RedisKeys.ActivityKeys.pointStockField(second), "0")
        .containsEntry(RedisKeys.ActivityKeys.pointStockField(third), "0");

    // MySQL holds exactly the accepted orders, each with its point.
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM orders WHERE activity_id = " + activity)
        == accepted.size());
    Map<String, Long> recorded = db.sql("SELECT id, pickup_point_id FROM orders WHERE activity_id = :a")
        .bind("a", activity).map(r -> Map.entry(r.get("id", String.class), r.get("pickup_point_id", Long.class)))
        .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
    assertThat(recorded).containsExactlyInAnyOrderEntriesOf(
        accepted.stream().collect(Collectors.toMap(Answer::orderId, Answer::point)));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM activity_points WHERE activity_id = " + activity)).isEqualTo(3);
  }

  @Test
  void aReservationMustNameAPointTheActivityDeliversTo() {
    long first = point("一号店");
    long elsewhere = point("别处");
    long activity = shop.schedule("shop-1", allocated(2, 2, new long[] {first, 5}));
    String solo = "/api/v1/activities/" + activity + "/orders";

    reserve("refused-1", solo, null, null).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.code").isEqualTo("PICKUP_POINT_REQUIRED");
    reserve("refused-2", solo, Map.of(), null).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.code").isEqualTo("PICKUP_POINT_REQUIRED");
    reserve("refused-3", "/api/v1/activities/" + activity + "/groups", null, null).expectStatus().isBadRequest();
    reserve("refused-4", solo, Map.of("pickupPointId", elsewhere), null).expectStatus().isEqualTo(409).expectBody()
        .jsonPath("$.code").isEqualTo("PICKUP_POINT_NOT_SERVED");
    reserve("refused-5", solo, Map.of("pickupPointId", 0), null).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("pickupPointId");
    reserve("refused-6", solo, Map.of("pickupPointId", 1L << 53), null).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.errors[0].field").isEqualTo("pickupPointId");
    reserve("refused-7", solo, Map.of("pickupPointId", 1.5), null).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.code").isEqualTo("MALFORMED_REQUEST");
    reserve("refused-8", solo, Map.of("pickupPointId", "3"), null).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.code").isEqualTo("MALFORMED_REQUEST");
    assertThat(redis.<String, String>opsForHash().get(keys.of(new ActivityId(activity)).activity(), "stock")
        .block(PATIENCE)).isEqualTo("5");

    // Open at the point, a friend joins and collects at the same one; the key reused for another point is refused.
    Map<?, ?> opened = reserve("alice", "/api/v1/activities/" + activity + "/groups", Map.of("pickupPointId", first),
        "open-1").expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    reserve("alice", "/api/v1/activities/" + activity + "/groups", Map.of("pickupPointId", first), "open-1")
        .expectStatus().isCreated().expectBody().jsonPath("$.orderId").isEqualTo(opened.get("orderId"));
    reserve("alice", "/api/v1/activities/" + activity + "/groups", Map.of("pickupPointId", elsewhere), "open-1")
        .expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("IDEMPOTENCY_KEY_REUSED");
    reserve("bob", "/api/v1/groups/" + opened.get("groupId") + "/members", Map.of("pickupPointId", first), null)
        .expectStatus().isCreated();
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM orders WHERE pickup_point_id = "
        + first) == 2);
  }

  @Test
  void anActivityWithoutPointsRefusesAPointAndTakesNoBody() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 10, 2, Duration.ofMinutes(30), Duration.ofMinutes(5)));
    shop.solo("alice", activity);
    reserve("bob", "/api/v1/activities/" + activity + "/orders", Map.of("pickupPointId", 3), null)
        .expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("PICKUP_POINT_NOT_SERVED");
  }

  @SuppressWarnings("unchecked")
  @Test
  void anAllocationNamesActivePointsOnceWithSharesThatSumToTheStock() {
    long first = point("一号店");
    long gone = point("停用");
    http.post().uri("/api/v1/admin/pickup-points/" + gone + "/deactivation")
        .headers(h -> h.setBearerAuth(Tokens.of("ADMIN", "admin-1"))).exchange().expectStatus().isOk();
    Map<String, Map<String, Object>> bodies = new LinkedHashMap<>();
    bodies.put("pickup.points[1].pointId", allocated(2, 1, new long[] {first, 5}, new long[] {999_999, 5}));
    bodies.put("pickup.points[0].pointId", allocated(2, 1, new long[] {gone, 5}));
    Map<String, Object> duplicate = allocated(2, 1, new long[] {first, 5}, new long[] {first, 5});
    bodies.put("pickup.points[1].pointId ", duplicate);
    Map<String, Object> wrongSum = allocated(2, 1, new long[] {first, 5});
    wrongSum.put("stock", 6);
    bodies.put("stock", wrongSum);
    Map<String, Object> none = allocated(2, 1, new long[] {first, 5});
    ((Map<String, Object>) none.get("pickup")).put("points", List.of());
    bodies.put("pickup.points", none);
    Map<String, Object> tooMany = allocated(2, 1, new long[] {first, 5});
    ((Map<String, Object>) tooMany.get("pickup")).put("points",
        IntStream.rangeClosed(1, 51).mapToObj(i -> Map.of("pointId", i, "stock", 1)).toList());
    tooMany.put("stock", 51);
    bodies.put("pickup.points ", tooMany);
    bodies.put("pickup.points[0].stock", allocated(2, 1, new long[] {first, 0}));
    Map<String, Object> backwards = allocated(2, 1, new long[] {first, 5});
    ((Map<String, Object>) backwards.get("pickup")).put("window",
        Map.of("from", "2026-12-02T13:00:00Z", "to", "2026-12-02T11:00:00Z"));
    bodies.put("pickup.window.to", backwards);
    Map<String, Object> unreadable = allocated(2, 1, new long[] {first, 5});
    ((Map<String, Object>) unreadable.get("pickup")).put("window", Map.of("from", "tomorrow", "to", "later"));
    bodies.put("pickup.window", unreadable);
    long before = rows.count("SELECT COUNT(*) AS n FROM activities");
    long allocations = rows.count("SELECT COUNT(*) AS n FROM activity_points");
    bodies.forEach((field, body) -> shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/activities", body)
        .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST")
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString()).as(field)
            .contains("\"" + field.strip() + "\"")));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM activities")).isEqualTo(before);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM activity_points")).isEqualTo(allocations);
  }

  private WebTestClient.ResponseSpec move(String merchant, long activity, Object body, String idempotencyKey) {
    return http.post().uri("/api/v1/merchant/activities/" + activity + "/allocation").headers(h -> {
      h.setBearerAuth(Tokens.of("MERCHANT", merchant));
      if (idempotencyKey != null) {
        h.set("Idempotency-Key", idempotencyKey);
      }
    }).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  private long share(long activity, long point) {
    return rows.count("SELECT stock AS n FROM activity_points WHERE activity_id = " + activity + " AND point_id = "
        + point);
  }

  @Test
  void aMerchantMovesFreeUnitsBetweenPointsOncePerKey() {
    long first = point("一号店");
    long second = point("二号站");
    long elsewhere = point("别处");
    long activity = shop.schedule("shop-1", allocated(2, 5, new long[] {first, 4}, new long[] {second, 6}));
    for (int i = 0; i < 3; i++) {
      reserve("early-" + i, "/api/v1/activities/" + activity + "/orders", Map.of("pickupPointId", first), null)
          .expectStatus().isCreated();
    }

    move("shop-1", activity, Map.of("from", first, "to", second, "units", 2), "move-1").expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("NOT_ENOUGH_UNITS");
    move("shop-1", activity, Map.of("from", first, "to", second, "units", 1), "move-1").expectStatus().isOk()
        .expectBody().jsonPath("$.from.pointId").isEqualTo(first).jsonPath("$.from.stock").isEqualTo(3)
        .jsonPath("$.from.remaining").isEqualTo(0).jsonPath("$.to.stock").isEqualTo(7)
        .jsonPath("$.to.remaining").isEqualTo(7);
    move("shop-1", activity, Map.of("from", first, "to", second, "units", 1), "move-1").expectStatus().isOk()
        .expectBody().jsonPath("$.from.stock").isEqualTo(3).jsonPath("$.to.stock").isEqualTo(7);
    move("shop-1", activity, Map.of("from", second, "to", first, "units", 1), "move-1").expectStatus().isEqualTo(422)
        .expectBody().jsonPath("$.code").isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(List.of(share(activity, first), share(activity, second))).containsExactly(3L, 7L);
    reserve("late-1", "/api/v1/activities/" + activity + "/orders", Map.of("pickupPointId", first), null)
        .expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("POINT_SOLD_OUT");
    shop.merchant("shop-1", HttpMethod.GET, "/api/v1/merchant/activities/" + activity, null).expectStatus().isOk()
        .expectBody().jsonPath("$.pickup.points[0].pointId").isEqualTo(first)
        .jsonPath("$.pickup.points[0].stock").isEqualTo(3).jsonPath("$.pickup.points[0].remaining").isEqualTo(0)
        .jsonPath("$.pickup.points[1].stock").isEqualTo(7).jsonPath("$.pickup.points[1].remaining").isEqualTo(7)
        .jsonPath("$.figures.pointsRemaining." + second).isEqualTo(7);

    move("shop-1", activity, Map.of("from", first, "to", elsewhere, "units", 1), null).expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("PICKUP_POINT_NOT_SERVED");
    move("shop-2", activity, Map.of("from", second, "to", first, "units", 1), null).expectStatus().isForbidden();
    shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/activities/" + activity + "/stock", Map.of("units", 5))
        .expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("ALLOCATED_PER_POINT");
    long plain = shop.schedule("shop-1", Shop.activity(2, 10, 2, Duration.ofMinutes(30), Duration.ofMinutes(5)));
    move("shop-1", plain, Map.of("from", first, "to", second, "units", 1), null).expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("NOT_ALLOCATED");
    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("from", first);
    bad.put("to", first);
    bad.put("units", 0);
    move("shop-1", activity, bad, null).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString()).isEqualTo("[\"to\",\"units\"]"));
    move("shop-1", activity, Map.of("to", second, "units", 10_000_001), null).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString()).isEqualTo("[\"from\",\"units\"]"));
    assertThat(List.of(share(activity, first), share(activity, second))).containsExactly(3L, 7L);
  }

  @Test
  void movesDuringTheSaleKeepEveryPointWithinItsShare() {
    long first = point("一号店");
    long second = point("二号站");
    long activity = shop.schedule("shop-1", allocated(2, 1, new long[] {first, 20}, new long[] {second, 20}));
    ConnectionProvider pool = ConnectionProvider.builder("moving-buyers").maxConnections(200)
        .pendingAcquireTimeout(PATIENCE).build();
    WebClient client = WebClient.builder().baseUrl("http://localhost:" + port)
        .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool))).build();

    // 200 buyers all want the second point while the merchant moves 10 units of the first there, 2 at a time.
    Flux<Integer> buyers = Flux.range(0, 200).flatMap(i -> client.post().uri("/api/v1/activities/{id}/orders", activity)
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "buyer-" + i)))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", second))
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())), 200);
    Flux<Integer> moves = Flux.range(0, 5).flatMap(i -> client.post().uri("/api/v1/merchant/activities/{id}/allocation",
            activity)
        .headers(h -> {
          h.setBearerAuth(Tokens.of("MERCHANT", "shop-1"));
          h.set("Idempotency-Key", "move-" + i);
        })
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("from", first, "to", second, "units", 2))
        .exchangeToMono(r -> r.releaseBody().thenReturn(1000 + r.statusCode().value())));
    List<Integer> statuses = Flux.merge(buyers, moves).collectList().block(PATIENCE);
    long during = statuses.stream().filter(s -> s == 201).count();
    // Whatever moved after the last buyer was refused is taken by a second wave.
    List<Integer> later = Flux.range(200, 40).flatMap(i -> client.post().uri("/api/v1/activities/{id}/orders", activity)
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "buyer-" + i)))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", second))
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())), 40).collectList().block(PATIENCE);
    pool.dispose();

    assertThat(statuses.stream().filter(s -> s == 1200).count()).isEqualTo(5);
    assertThat(during).isBetween(20L, 30L);
    assertThat(during + later.stream().filter(s -> s == 201).count()).isEqualTo(30);
    assertThat(List.of(share(activity, first), share(activity, second))).containsExactly(10L, 30L);
    var k = keys.of(new ActivityId(activity));
    assertThat(redis.<String, String>opsForHash().multiGet(k.activity(), List.of("stock",
            RedisKeys.ActivityKeys.pointStockField(first), RedisKeys.ActivityKeys.pointStockField(second)))
        .block(PATIENCE)).containsExactly("10", "10", "0");
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM orders WHERE pickup_point_id = "
        + second) == 30);
  }

  @Test
  void theNearestPointsOfAnActivityComeWithTheirRemainingUnits() {
    long first = point("一号店");
    long second = point("二号站");
    long other = point("别家");
    long activity = shop.schedule("shop-1", allocated(2, 1, new long[] {first, 3}, new long[] {second, 5}));
    reserve("near-1", "/api/v1/activities/" + activity + "/orders", Map.of("pickupPointId", second), null)
        .expectStatus().isCreated();

    Map<?, ?> found = http.get().uri("/api/v1/pickup-points/nearby?lat=24.8&lng=113.6&activityId=" + activity)
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "near-2"))).exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    Map<Long, Integer> remaining = ((List<?>) found.get("points")).stream().map(p -> (Map<?, ?>) p)
        .collect(Collectors.toMap(p -> ((Number) p.get("id")).longValue(), p -> ((Number) p.get("remaining")).intValue()));
    assertThat(remaining).containsExactlyInAnyOrderEntriesOf(Map.of(first, 3, second, 4)).doesNotContainKey(other);

    http.get().uri("/api/v1/pickup-points/nearby?lat=24.8&lng=113.6").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER",
        "near-2"))).exchange().expectStatus().isOk().expectBody().jsonPath("$.points[0].remaining").doesNotExist();
    http.get().uri("/api/v1/pickup-points/nearby?lat=24.8&lng=113.6&activityId=999999")
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "near-2"))).exchange().expectStatus().isNotFound();
    http.get().uri("/api/v1/pickup-points/nearby?lat=24.8&lng=113.6&activityId=x")
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "near-2"))).exchange().expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("activityId");
    long plain = shop.schedule("shop-1", Shop.activity(2, 10, 2, Duration.ofMinutes(30), Duration.ofMinutes(5)));
    http.get().uri("/api/v1/pickup-points/nearby?lat=24.8&lng=113.6&activityId=" + plain)
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "near-2"))).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.points.length()").isEqualTo(0);
  }
}
