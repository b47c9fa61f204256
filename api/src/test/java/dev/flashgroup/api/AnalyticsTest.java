package dev.flashgroup.api;

import static dev.flashgroup.api.WechatStandIn.WECHAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Platform analytics over HTTP on the real services, buyers paying through the WeChat stand-in:
 * two activities of two merchants at two pickup points, a leader's referrals, a group that
 * succeeds and is partly handed out, a reservation never paid, a group that fails and is refunded,
 * page views with repeats. The funnel, rankings, GeoJSON and leader figures equal what the test
 * computes from the orders it created; repeated payments and hand-outs change nothing; bad
 * parameters are 400 problems, other roles 403.
 */
@IsolatedServices
@ApiTest
@TestPropertySource(properties = {"flashgroup.leaders.refresh=PT0.1S", "flashgroup.leaders.settle-enabled=false",
    "flashgroup.leaders.default-bps=500"})
class AnalyticsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(40);
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final Set<String> SOLD = Set.of("PAID", "SUCCEEDED", "PICKED_UP", "OVERDUE");
  private static final String ANALYTICS = "/api/v1/admin/analytics/";

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;

  @DynamicPropertySource
  static void wechat(DynamicPropertyRegistry registry) {
    WechatStandIn.register(registry);
  }

  /** An order the test made: who, where, referred by whom, at what commission rate. */
  private record Bought(String token, String orderId, long activity, String merchant, long point, String leader,
      int bps) {}

  private final List<Bought> bought = new ArrayList<>();
  private final Map<Long, Set<String>> viewersOf = new HashMap<>();

  @BeforeEach
  void setUp() {
    WECHAT.buyersPay(true);
    WECHAT.loseNotifications(false);
    WECHAT.failNextRefunds(0);
    WECHAT.refundsEndAbnormal(false);
    // The stand-in is one per JVM and keys trades by order id: ids far from the other classes'.
    db.sql("ALTER TABLE activities AUTO_INCREMENT = 7100001").then().block(PATIENCE);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theFiguresAreWhatTheOrdersMake() {
    lead("lead-a");
    long east = point("东门店", 24.81, 113.59);
    long west = point("西门店", 24.79, 113.61);
    long fresh = activity("shop-1", Shop.activity(2, 10, 2, Duration.ofMinutes(30), Duration.ofMinutes(30)), 1000,
        east, west);
    long doomed = activity("shop-2", Shop.activity(2, 10, 2, Duration.ofSeconds(2), Duration.ofMinutes(5)), null,
        east);
    String ann = buyer("ann");
    String ben = buyer("ben");
    String cat = buyer("cat");
    String dan = buyer("dan");
    String eve = buyer("eve");

    // Page views, each viewer three times: five viewers of one activity, two of the other.
    for (int round = 0; round < 3; round++) {
      for (String viewer : List.of(ann, ben, cat, dan, eve)) {
        view(viewer, fresh);
      }
      view(ann, doomed);
      view(dan, doomed);
    }

    // A group at two points, both referred by the leader: paid, succeeded, one of them handed out.
    Bought annOrder = reserve(ann, "/api/v1/activities/" + fresh + "/groups", fresh, "shop-1", east, "lead-a", 1000);
    String group = groupOf(annOrder);
    Bought benOrder = reserve(ben, "/api/v1/groups/" + group + "/members", fresh, "shop-1", west, "lead-a", 1000);
    pay(annOrder);
    pay(benOrder);
    // A reservation nobody pays, nobody referred.
    reserve(cat, "/api/v1/activities/" + fresh + "/groups", fresh, "shop-1", east, null, 1000);
    // A group nobody joins: it fails at its deadline and the payment goes back through WeChat Pay.
    Bought danOrder = reserve(dan, "/api/v1/activities/" + doomed + "/groups", doomed, "shop-2", east, "lead-a", 500);
    pay(danOrder);
    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(order(benOrder).get("status"))
        && "SUCCEEDED".equals(order(annOrder).get("status")));
    pickUp(annOrder, east);
    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(order(danOrder).get("status")));

    // Repeats change nothing: a second payment request, a second scan of the same code.
    as("CUSTOMER-TOKEN", ann).post().uri("/api/v1/orders/{o}/payment", annOrder.orderId()).exchange();
    String code = (String) ok(as("CUSTOMER-TOKEN", ann).get().uri("/api/v1/orders/{o}/pickup", annOrder.orderId())
        .exchange()).get("code");
    refused(as("ADMIN", "admin-1").post().uri("/api/v1/pickup-points/{p}/verifications", east)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", code)).exchange(), 409, "ALREADY_PICKED_UP");

    // What the orders say, computed here from each order as its buyer sees it.
    Map<String, Map<?, ?>> orders = new LinkedHashMap<>();
    bought.forEach(b -> orders.put(b.orderId(), order(b)));
    LocalDate day = orderedOn(annOrder.orderId());

    for (long activity : List.of(fresh, doomed)) {
      Map<String, Object> expected = funnel(orders, activity);
      expected.put("activityId", (int) activity);
      expected.put("viewers", viewersOf.get(activity).size());
      await().atMost(PATIENCE).untilAsserted(() ->
          assertThat(admin("funnel?activityId=" + activity)).isEqualTo(expected));
    }
    assertThat((Map<String, Object>) admin("funnel?activityId=" + fresh)).containsEntry("reservations", 3).containsEntry("paid", 2)
        .containsEntry("groupsSucceeded", 1).containsEntry("pickedUp", 1).containsEntry("refunded", 0)
        .containsEntry("viewers", 5);
    assertThat((Map<String, Object>) admin("funnel?activityId=" + doomed)).containsEntry("paid", 1).containsEntry("refunded", 1)
        .containsEntry("viewers", 2);

    // The day's funnel: the same orders (unless the test straddled midnight in Shanghai).
    Map<?, ?> today = admin("funnel?date=" + day);
    Set<String> sameDay = new HashSet<>();
    bought.stream().filter(b -> orderedOn(b.orderId()).equals(day)).forEach(b -> sameDay.add(b.orderId()));
    Map<String, Map<?, ?>> ofTheDay = new LinkedHashMap<>(orders);
    ofTheDay.keySet().retainAll(sameDay);
    Map<String, Object> dayExpected = funnel(ofTheDay, null);
    dayExpected.forEach((k, v) -> assertThat(today.get(k)).as(k).isEqualTo(v));
    assertThat(today.get("date")).isEqualTo(day.toString());
    assertThat(today.get("viewers")).isEqualTo(5);
    List<Map<String, Object>> each = (List<Map<String, Object>>) today.get("activities");
    assertThat(each).extracting(a -> a.get("activityId")).contains((int) fresh, (int) doomed);
    assertThat(each).filteredOn(a -> a.get("activityId").equals((int) doomed)).singleElement()
        .satisfies(a -> assertThat(a).containsEntry("viewers", 2).containsEntry("refunded", 1));

    // Rankings over a period around the day.
    String period = "from=" + day.minusDays(1) + "&to=" + day.plusDays(1);
    Map<?, ?> byActivity = admin("ranking?by=activity&" + period);
    assertThat(byActivity.get("by")).isEqualTo("activity");
    assertThat(byActivity.get("from")).isEqualTo(day.minusDays(1).toString());
    assertThat((List<Map<String, Object>>) byActivity.get("items")).containsExactly(
        ranked(fresh, "Shaoguan mandarins 5 kg", orders, b -> b.activity() == fresh),
        ranked(doomed, "Shaoguan mandarins 5 kg", orders, b -> b.activity() == doomed));
    assertThat((List<Map<String, Object>>) admin("ranking?by=merchant&" + period).get("items")).containsExactly(
        ranked("shop-1", "shop-1", orders, b -> b.merchant().equals("shop-1")),
        ranked("shop-2", "shop-2", orders, b -> b.merchant().equals("shop-2")));
    List<Map<String, Object>> byPoint = (List<Map<String, Object>>) admin("ranking?by=point&limit=1&" + period)
        .get("items");
    // One unit each (ann's at east, ben's at west): the tie goes to the lower id.
    assertThat(byPoint).containsExactly(ranked(east, "东门店", orders, b -> b.point() == east));
    assertThat(byPoint.get(0)).containsEntry("units", 1).containsEntry("gmv", 2990);
    assertThat((List<Map<String, Object>>) admin("ranking?by=merchant&order=gmv&" + period).get("items"))
        .extracting(r -> r.get("id")).containsExactly("shop-1", "shop-2");

    // Pickup-point heat: GeoJSON, [longitude, latitude].
    Map<?, ?> geo = as("ADMIN", "admin-1").get().uri(ANALYTICS + "points.geojson?" + period).exchange()
        .expectStatus().isOk().expectHeader().contentTypeCompatibleWith("application/geo+json")
        .expectBody(Map.class).returnResult().getResponseBody();
    assertThat(geo.get("type")).isEqualTo("FeatureCollection");
    List<Map<String, Object>> features = (List<Map<String, Object>>) geo.get("features");
    assertThat(features).hasSize(2);
    for (Map<String, Object> feature : features) {
      Map<String, Object> properties = (Map<String, Object>) feature.get("properties");
      long point = ((Number) properties.get("pointId")).longValue();
      Map<String, Object> sums = sums(orders, b -> b.point() == point);
      assertThat(feature.get("type")).isEqualTo("Feature");
      assertThat(properties).containsEntry("name", point == east ? "东门店" : "西门店")
          .containsEntry("orders", sums.get("units")).containsEntry("gmv", sums.get("gmv"));
      Map<String, Object> geometry = (Map<String, Object>) feature.get("geometry");
      assertThat(geometry.get("type")).isEqualTo("Point");
      assertThat((List<Number>) geometry.get("coordinates")).extracting(Number::doubleValue)
          .containsExactly(point == east ? 113.59 : 113.61, point == east ? 24.81 : 24.79);
    }

    // The leader: orders sold and their GMV, paid orders whose group succeeded, commission, new members.
    List<Map<String, Object>> leaders = (List<Map<String, Object>>) admin("leaders?" + period).get("items");
    Map<String, Object> sums = sums(orders, b -> "lead-a".equals(b.leader()));
    long paid = bought.stream().filter(b -> "lead-a".equals(b.leader()) && isPaid(orders.get(b.orderId()))).count();
    long succeeded = bought.stream().filter(b -> "lead-a".equals(b.leader())
        && Set.of("SUCCEEDED", "PICKED_UP", "OVERDUE").contains(orders.get(b.orderId()).get("status"))).count();
    long commission = bought.stream().filter(b -> "lead-a".equals(b.leader()) && sold(orders.get(b.orderId())))
        .mapToLong(b -> gmv(orders.get(b.orderId())) * b.bps() / 10_000).sum();
    long referred = bought.stream().filter(b -> "lead-a".equals(b.leader())).map(Bought::token).distinct().count();
    assertThat(leaders).singleElement().satisfies(l -> assertThat(l)
        .containsEntry("leader", "lead-a")
        .containsEntry("orders", sums.get("units"))
        .containsEntry("gmv", sums.get("gmv"))
        .containsEntry("successRate", Math.round(10_000.0 * succeeded / paid) / 10_000.0)
        .containsEntry("commission", (int) commission)
        .containsEntry("newMembers", (int) referred));
    assertThat(commission).isEqualTo(598);

    // An admin takes ben's commission back (outside the projector): the leader's figure follows.
    ok(as("ADMIN", "admin-1").post().uri("/api/v1/admin/leaders/lead-a/commissions/{o}/reversal", benOrder.orderId())
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("reason", "刷单")).exchange());
    assertThat(((List<Map<String, Object>>) admin("leaders?" + period).get("items")).get(0))
        .containsEntry("commission", 299).containsEntry("orders", sums.get("units"));
  }

  @Test
  void badParametersAreProblemsAndOnlyAdminsSeeTheFigures() {
    for (String uri : List.of("funnel", "funnel?activityId=1&date=2026-12-01", "funnel?activityId=abc",
        "funnel?activityId=0", "funnel?activityId=99999999999999999999", "funnel?date=2026-13-01",
        "funnel?date=1999-12-31", "ranking?by=buyer", "ranking?limit=0", "ranking?limit=101", "ranking?limit=x",
        "ranking?order=price", "ranking?from=2026-12-02&to=2026-12-01", "ranking?from=2025-01-01&to=2026-12-01",
        "points.geojson?from=yesterday", "points.geojson?to=2026-12-01T25:00:00Z", "leaders?limit=1001",
        "leaders?from=" + "9".repeat(60))) {
      refused(as("ADMIN", "admin-1").get().uri(ANALYTICS + uri).exchange(), 400, "INVALID_REQUEST");
    }
    refused(as("ADMIN", "admin-1").get().uri(ANALYTICS + "funnel?activityId=424242").exchange(), 404, "NOT_FOUND");
    // An instant stands for its day in Shanghai: 2026-11-30T16:00Z is 2026-12-01 there.
    Map<?, ?> ranking = admin("ranking?from=2026-11-30T16:00:00Z&to=2026-12-01");
    assertThat(ranking.get("from")).isEqualTo("2026-12-01");
    assertThat(ranking.get("items")).asList().isEmpty();
    for (String role : List.of("CUSTOMER", "MERCHANT", "LEADER", "STAFF")) {
      for (String uri : List.of("funnel?date=2026-12-01", "ranking", "points.geojson", "leaders")) {
        refused(as(role, "someone").get().uri(ANALYTICS + uri).exchange(), 403, "FORBIDDEN");
      }
    }
    refused(http.get().uri(ANALYTICS + "ranking").exchange(), 401, "UNAUTHORIZED");
  }

  // --- the figures as the test computes them from the orders

  private Map<String, Object> funnel(Map<String, Map<?, ?>> orders, Long activity) {
    List<Bought> of = bought.stream().filter(b -> orders.containsKey(b.orderId()))
        .filter(b -> activity == null || b.activity() == activity).toList();
    Set<Object> succeededGroups = new HashSet<>();
    int paid = 0;
    int pickedUp = 0;
    int refunded = 0;
    for (Bought b : of) {
      Map<?, ?> o = orders.get(b.orderId());
      paid += isPaid(o) ? 1 : 0;
      pickedUp += o.get("pickedUpAt") != null ? 1 : 0;
      refunded += "REFUNDED".equals(o.get("status")) ? 1 : 0;
      if (Set.of("SUCCEEDED", "PICKED_UP", "OVERDUE").contains(o.get("status"))) {
        succeededGroups.add(o.get("groupId"));
      }
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("reservations", of.size());
    f.put("paid", paid);
    f.put("groupsSucceeded", succeededGroups.size());
    f.put("pickedUp", pickedUp);
    f.put("refunded", refunded);
    return f;
  }

  private Map<String, Object> ranked(Object id, String name, Map<String, Map<?, ?>> orders,
      java.util.function.Predicate<Bought> which) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id instanceof Long l ? (Object) l.intValue() : id);
    r.put("name", name);
    r.putAll(sums(orders, which));
    return r;
  }

  private Map<String, Object> sums(Map<String, Map<?, ?>> orders, java.util.function.Predicate<Bought> which) {
    int units = 0;
    int gmv = 0;
    for (Bought b : bought) {
      Map<?, ?> o = orders.get(b.orderId());
      if (which.test(b) && sold(o)) {
        units++;
        gmv += gmv(o);
      }
    }
    Map<String, Object> sums = new LinkedHashMap<>();
    sums.put("units", units);
    sums.put("gmv", gmv);
    return sums;
  }

  private static boolean isPaid(Map<?, ?> order) {
    return ((Number) order.get("paidAmount")).longValue() > 0;
  }

  private static boolean sold(Map<?, ?> order) {
    return isPaid(order) && SOLD.contains(order.get("status")) && gmv(order) > 0;
  }

  private static long gmv(Map<?, ?> order) {
    Object fin = order.get("finalAmount");
    return fin != null ? ((Number) fin).longValue() : ((Number) order.get("paidAmount")).longValue();
  }

  // --- the flows

  private void lead(String buyer) {
    Map<String, Object> application = Map.of("name", "Lu", "phone", "13800138000", "kind", "COMMUNITY",
        "communityName", "花园群");
    Map<?, ?> applied = ok(as("CUSTOMER", buyer).post().uri("/api/v1/leader-applications")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(application).exchange());
    as("ADMIN", "admin-1").post().uri("/api/v1/admin/leader-applications/{id}/approval", applied.get("id")).exchange()
        .expectStatus().is2xxSuccessful();
  }

  private long point(String name, double lat, double lng) {
    Map<?, ?> created = ok(as("ADMIN", "admin-1").post().uri("/api/v1/admin/pickup-points")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(PickupPointsTest.point(name, lat, lng)).exchange());
    return ((Number) created.get("id")).longValue();
  }

  private long activity(String merchant, Map<String, Object> body, Integer bps, long... points) {
    List<Map<String, Object>> shares = new ArrayList<>();
    for (long p : points) {
      shares.add(Map.of("pointId", p, "stock", 10 / points.length));
    }
    body.put("stock", 10 / points.length * points.length);
    body.put("pickup", Map.of("points", shares));
    if (bps != null) {
      body.put("leaderCommissionBps", bps);
    }
    return ((Number) ok(as("MERCHANT", merchant).post().uri("/api/v1/merchant/activities")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()).get("id")).longValue();
  }

  private String buyer(String name) {
    return WechatStandIn.login(http, "analytics-" + name + System.nanoTime() + ".1");
  }

  private void view(String token, long activity) {
    as("CUSTOMER-TOKEN", token).get().uri("/api/v1/activities/{a}", activity).exchange().expectStatus().isOk();
    viewersOf.computeIfAbsent(activity, a -> new HashSet<>()).add(token);
  }

  private Bought reserve(String token, String uri, long activity, String merchant, long point, String leader, int bps) {
    Map<String, Object> body = new HashMap<>();
    body.put("pickupPointId", point);
    if (leader != null) {
      body.put("referrer", leader);
    }
    Map<?, ?> reserved = ok(as("CUSTOMER-TOKEN", token).post().uri(uri).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange());
    Bought b = new Bought(token, (String) reserved.get("orderId"), activity, merchant, point, leader, bps);
    bought.add(b);
    groups.put(b.orderId(), (String) reserved.get("groupId"));
    return b;
  }

  private final Map<String, String> groups = new HashMap<>();

  private String groupOf(Bought b) {
    return groups.get(b.orderId());
  }

  private void pay(Bought b) {
    as("CUSTOMER-TOKEN", b.token()).post().uri("/api/v1/orders/{o}/payment", b.orderId()).exchange()
        .expectStatus().isOk();
  }

  private void pickUp(Bought b, long point) {
    await().atMost(PATIENCE).until(() -> as("CUSTOMER-TOKEN", b.token()).get()
        .uri("/api/v1/orders/{o}/pickup", b.orderId()).exchange().returnResult(Map.class).getStatus().value() == 200);
    String code = (String) ok(as("CUSTOMER-TOKEN", b.token()).get().uri("/api/v1/orders/{o}/pickup", b.orderId())
        .exchange()).get("code");
    ok(as("ADMIN", "admin-1").post().uri("/api/v1/pickup-points/{p}/verifications", point)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", code)).exchange());
  }

  private Map<?, ?> order(Bought b) {
    return ok(as("CUSTOMER-TOKEN", b.token()).get().uri("/api/v1/orders/{o}", b.orderId()).exchange());
  }

  /** The day the order was made in Shanghai, from its row. */
  private LocalDate orderedOn(String orderId) {
    LocalDateTime created = db.sql("SELECT created_at FROM orders WHERE id = :o").bind("o", orderId)
        .map(r -> r.get("created_at", LocalDateTime.class)).one().block(PATIENCE);
    return created.atOffset(ZoneOffset.UTC).atZoneSameInstant(SHANGHAI).toLocalDate();
  }

  private Map<?, ?> admin(String uri) {
    return ok(as("ADMIN", "admin-1").get().uri(ANALYTICS + uri).exchange());
  }

  /** A client with a role's test token, or ({@code CUSTOMER-TOKEN}) with the WeChat buyer's own token. */
  private WebTestClient as(String role, String subjectOrToken) {
    String token = role.equals("CUSTOMER-TOKEN") ? subjectOrToken : Tokens.of(role, subjectOrToken);
    return http.mutate().defaultHeaders(h -> h.setBearerAuth(token)).build();
  }

  private static Map<?, ?> ok(WebTestClient.ResponseSpec answer) {
    return Calls.ok(answer);
  }

  private static void refused(WebTestClient.ResponseSpec answer, int status, String code) {
    Calls.refused(answer, status, code);
  }
}
