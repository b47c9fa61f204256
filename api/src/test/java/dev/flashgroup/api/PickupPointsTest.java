package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.support.IsolatedServices;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/**
 * Pickup points: admins record, change, deactivate them and bind their staff; buyers find the
 * nearest active ones through Redis GEO, checked against distances computed here.
 */
@IsolatedServices
@ApiTest
class PickupPointsTest {

  private static final String ADMIN_BASE = "/api/v1/admin/pickup-points";
  private static final double SHAOGUAN_LAT = 24.80;
  private static final double SHAOGUAN_LNG = 113.60;
  private static final double EARTH_RADIUS_M = 6_371_008.8;
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @Autowired WebTestClient http;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired DatabaseClient db;
  @Autowired RedisKeys keys;
  @Autowired PickupPoints points;

  @BeforeEach
  void noPointsYet() {
    db.sql("DELETE FROM pickup_point_staff").then().then(db.sql("DELETE FROM pickup_points").then())
        .then(redis.delete(keys.pickupPoints())).block(PATIENCE);
  }

  /** A point 300 + 150·i metres from Shaoguan's centre in a random direction: no two distances within 1 %. */
  private record Planted(long id, double distanceM) {}

  static Map<String, Object> point(String name, double lat, double lng) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("address", "浈江区 " + name + " 号");
    body.put("kind", "CONVENIENCE_STORE");
    body.put("latitude", degrees(lat));
    body.put("longitude", degrees(lng));
    body.put("phone", "+86 751 1234567");
    body.put("opensAt", "08:00");
    body.put("closesAt", "21:30");
    body.put("zone", "Asia/Shanghai");
    return body;
  }

  private static BigDecimal degrees(double value) {
    return BigDecimal.valueOf(value).setScale(7, RoundingMode.HALF_UP);
  }

  private WebTestClient.ResponseSpec as(String role, HttpMethod method, String uri, Object body) {
    var request = http.method(method).uri(uri).headers(h -> h.setBearerAuth(Tokens.of(role, role.toLowerCase() + "-1")));
    return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  private long create(Map<String, Object> body) {
    Map<?, ?> created = as("ADMIN", HttpMethod.POST, ADMIN_BASE, body).expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody();
    return ((Number) created.get("id")).longValue();
  }

  private List<Planted> plantAroundShaoguan(int count, long seed) {
    Random random = new Random(seed);
    List<Planted> planted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double distance = 300 + 150.0 * i;
      double[] at = destination(SHAOGUAN_LAT, SHAOGUAN_LNG, distance, random.nextDouble() * 360);
      long id = create(point("韶关 " + i, at[0], at[1]));
      planted.add(new Planted(id, haversine(SHAOGUAN_LAT, SHAOGUAN_LNG, degrees(at[0]).doubleValue(),
          degrees(at[1]).doubleValue())));
    }
    return planted;
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> nearby(String query) {
    Map<?, ?> answer = as("CUSTOMER", HttpMethod.GET, "/api/v1/pickup-points/nearby?" + query, null)
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    return (List<Map<String, Object>>) answer.get("points");
  }

  @Test
  void nearestPointsComeBackInTheOrderOfTheirTrueDistanceWithinRadiusAndLimit() {
    List<Planted> planted = plantAroundShaoguan(50, 2026);
    List<Planted> byDistance = planted.stream().sorted(Comparator.comparingDouble(Planted::distanceM)).toList();

    List<Map<String, Object>> all = nearby("lat=24.80&lng=113.60&radiusM=50000&limit=100");
    assertThat(all).extracting(p -> ((Number) p.get("id")).longValue())
        .containsExactlyElementsOf(byDistance.stream().map(Planted::id).toList());
    for (int i = 0; i < all.size(); i++) {
      double expected = byDistance.get(i).distanceM();
      assertThat(((Number) all.get(i).get("distanceM")).doubleValue()).isCloseTo(expected, within(expected * 0.005));
    }
    assertThat(all.get(0)).containsKeys("name", "address", "kind", "latitude", "longitude");
    assertThat(all.get(0).get("kind")).isEqualTo("CONVENIENCE_STORE");

    // 300 + 150·i ≤ 2,000 m for i ≤ 11: twelve points, the 13th is 2,100 m away.
    assertThat(nearby("lat=24.80&lng=113.60&radiusM=2000")).extracting(p -> ((Number) p.get("id")).longValue())
        .containsExactlyElementsOf(byDistance.subList(0, 12).stream().map(Planted::id).toList());
    assertThat(nearby("lat=24.80&lng=113.60&radiusM=50000&limit=5")).extracting(p -> ((Number) p.get("id")).longValue())
        .containsExactlyElementsOf(byDistance.subList(0, 5).stream().map(Planted::id).toList());
    // The default radius is 5 km and the default limit 20: 300 + 150·i ≤ 5,000 for i ≤ 31.
    assertThat(nearby("lat=24.80&lng=113.60")).hasSize(20);

    long nearest = byDistance.get(0).id();
    long third = byDistance.get(2).id();
    as("ADMIN", HttpMethod.POST, ADMIN_BASE + "/" + nearest + "/deactivation", null).expectStatus().isOk()
        .expectBody().jsonPath("$.active").isEqualTo(false);
    as("ADMIN", HttpMethod.POST, ADMIN_BASE + "/" + third + "/deactivation", null).expectStatus().isOk();
    assertThat(nearby("lat=24.80&lng=113.60&radiusM=50000&limit=100")).extracting(p -> ((Number) p.get("id")).longValue())
        .hasSize(48).doesNotContain(nearest, third)
        .containsExactlyElementsOf(byDistance.stream().map(Planted::id).filter(id -> id != nearest && id != third).toList());
  }

  @Test
  void theSearchSetIsRebuiltFromMySqlAndNeverAnswersAnInactivePoint() {
    long kept = create(point("留下", 24.801, 113.601));
    long gone = create(point("停用", 24.802, 113.602));
    // MySQL says inactive while Redis still lists it (the Redis write was lost): never answered.
    db.sql("UPDATE pickup_points SET active = FALSE WHERE id = :id").bind("id", gone).then().block(PATIENCE);
    assertThat(nearby("lat=24.80&lng=113.60")).extracting(p -> ((Number) p.get("id")).longValue())
        .containsExactly(kept);

    redis.delete(keys.pickupPoints()).block(PATIENCE);
    redis.opsForGeo().add(keys.pickupPoints(), new org.springframework.data.geo.Point(113.602, 24.802), Long.toString(gone))
        .block(PATIENCE);
    StepVerifier.create(points.rebuildIndex()).expectComplete().verify(PATIENCE);

    assertThat(redis.opsForZSet().range(keys.pickupPoints(), org.springframework.data.domain.Range.unbounded())
        .collectList().block(PATIENCE)).containsExactly(Long.toString(kept));
    assertThat(nearby("lat=24.80&lng=113.60")).extracting(p -> ((Number) p.get("id")).longValue())
        .containsExactly(kept);
  }

  @Test
  void anAdminChangesAPointAndTheSearchFollowsItsNewPlace() {
    long id = create(point("搬家", 24.80, 113.60));
    Map<String, Object> moved = point("搬家 新址", 24.90, 113.70);
    moved.put("kind", "LOCKER");
    as("ADMIN", HttpMethod.PUT, ADMIN_BASE + "/" + id, moved).expectStatus().isOk().expectBody()
        .jsonPath("$.name").isEqualTo("搬家 新址").jsonPath("$.kind").isEqualTo("LOCKER")
        .jsonPath("$.latitude").isEqualTo(24.9).jsonPath("$.opensAt").isEqualTo("08:00");

    assertThat(nearby("lat=24.80&lng=113.60&radiusM=1000")).isEmpty();
    assertThat(nearby("lat=24.90&lng=113.70&radiusM=1000")).extracting(p -> p.get("kind")).containsExactly("LOCKER");
    as("ADMIN", HttpMethod.GET, ADMIN_BASE, null).expectStatus().isOk().expectBody()
        .jsonPath("$[0].id").isEqualTo(id);
    as("ADMIN", HttpMethod.PUT, ADMIN_BASE + "/999999", moved).expectStatus().isNotFound()
        .expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
    as("ADMIN", HttpMethod.POST, ADMIN_BASE + "/999999/deactivation", null).expectStatus().isNotFound();
    as("ADMIN", HttpMethod.GET, ADMIN_BASE + "/999999", null).expectStatus().isNotFound();
  }

  @Test
  void staffAreBoundToAPointOnce() {
    long id = create(point("便利店", 24.80, 113.60));
    as("ADMIN", HttpMethod.POST, ADMIN_BASE + "/" + id + "/staff", Map.of("subject", "clerk-1"))
        .expectStatus().isCreated().expectBody().jsonPath("$.staff[0]").isEqualTo("clerk-1");
    as("ADMIN", HttpMethod.POST, ADMIN_BASE + "/" + id + "/staff", Map.of("subject", "clerk-1"))
        .expectStatus().isOk().expectBody().jsonPath("$.staff.length()").isEqualTo(1);
    as("ADMIN", HttpMethod.POST, ADMIN_BASE + "/" + id + "/staff", Map.of("subject", "leader:7"))
        .expectStatus().isCreated();
    as("ADMIN", HttpMethod.GET, ADMIN_BASE + "/" + id, null).expectStatus().isOk().expectBody()
        .jsonPath("$.staff").value(staff -> assertThat(staff.toString()).isEqualTo("[\"clerk-1\",\"leader:7\"]"));

    StepVerifier.create(points.actsFor("clerk-1", id)).expectNext(true).expectComplete().verify(PATIENCE);
    StepVerifier.create(points.actsFor("clerk-1", id + 1)).expectNext(false).expectComplete().verify(PATIENCE);
    StepVerifier.create(points.actsFor("clerk-2", id)).expectNext(false).expectComplete().verify(PATIENCE);

    invalid(HttpMethod.POST, ADMIN_BASE + "/" + id + "/staff", new LinkedHashMap<>(Map.of("subject", "has space")), "subject");
    invalid(HttpMethod.POST, ADMIN_BASE + "/" + id + "/staff", new LinkedHashMap<>(Map.of("subject", "x".repeat(65))), "subject");
    invalid(HttpMethod.POST, ADMIN_BASE + "/" + id + "/staff", new LinkedHashMap<>(), "subject");
    as("ADMIN", HttpMethod.POST, ADMIN_BASE + "/999999/staff", Map.of("subject", "clerk-1")).expectStatus().isNotFound();
  }

  @Test
  void onlyAdminsManagePointsWhileEveryCallerSearches() {
    long id = create(point("便利店", 24.80, 113.60));
    for (String role : List.of("CUSTOMER", "MERCHANT", "STAFF")) {
      as(role, HttpMethod.POST, ADMIN_BASE, point("x", 24.8, 113.6)).expectStatus().isForbidden()
          .expectBody().jsonPath("$.code").isEqualTo("FORBIDDEN");
      as(role, HttpMethod.GET, ADMIN_BASE + "/" + id, null).expectStatus().isForbidden();
      as(role, HttpMethod.POST, ADMIN_BASE + "/" + id + "/staff", Map.of("subject", "me")).expectStatus().isForbidden();
      as(role, HttpMethod.GET, "/api/v1/pickup-points/nearby?lat=24.8&lng=113.6", null).expectStatus().isOk();
    }
    // A STAFF token is a known role, but not a buyer's.
    as("STAFF", HttpMethod.POST, "/api/v1/activities/1/orders", null).expectStatus().isForbidden();
    http.get().uri("/api/v1/pickup-points/nearby?lat=24.8&lng=113.6").exchange().expectStatus().isUnauthorized();
  }

  @Test
  void everyBadFieldOfAPointIsNamedAndNothingIsWritten() {
    Map<String, Object> good = point("好", 24.8, 113.6);
    Map<String, Object[]> bad = new LinkedHashMap<>();
    bad.put("latitude", new Object[] {new BigDecimal("90"), new BigDecimal("-85.1"), new BigDecimal("24.123456789"), null});
    bad.put("longitude", new Object[] {new BigDecimal("180.0000001"), new BigDecimal("-181"), null});
    bad.put("name", new Object[] {"", "  ", "x".repeat(101), "line\nbreak", null});
    bad.put("address", new Object[] {"", "y".repeat(201), "tab\there", null});
    bad.put("kind", new Object[] {"SHOP", "locker", "", null});
    bad.put("phone", new Object[] {"12", "1".repeat(33), "call me", null});
    bad.put("opensAt", new Object[] {"8:00", "24:00", "08:60", "08:00:00", "", null});
    bad.put("closesAt", new Object[] {"21:3", "07:00", null});
    bad.put("zone", new Object[] {"Mars/Olympus", "", "A".repeat(65), null});
    bad.forEach((field, values) -> {
      for (Object value : values) {
        Map<String, Object> body = new LinkedHashMap<>(good);
        body.put(field, value);
        invalid(HttpMethod.POST, ADMIN_BASE, body, field);
      }
    });
    // A coordinate sent as text is not a number: MALFORMED_REQUEST naming it.
    Map<String, Object> text = new LinkedHashMap<>(good);
    text.put("latitude", "24.8");
    as("ADMIN", HttpMethod.POST, ADMIN_BASE, text).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.code").isEqualTo("MALFORMED_REQUEST").jsonPath("$.errors[0].field").isEqualTo("latitude");
    // Several at once: all named.
    Map<String, Object> many = new LinkedHashMap<>(good);
    many.put("latitude", 91);
    many.put("zone", "nowhere");
    as("ADMIN", HttpMethod.POST, ADMIN_BASE, many).expectStatus().isBadRequest().expectBody()
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString()).isEqualTo("[\"latitude\",\"zone\"]"));

    long id = create(good);
    Map<String, Object> badEdit = new LinkedHashMap<>(good);
    badEdit.put("longitude", 200);
    invalid(HttpMethod.PUT, ADMIN_BASE + "/" + id, badEdit, "longitude");
    as("ADMIN", HttpMethod.GET, ADMIN_BASE, null).expectStatus().isOk().expectBody()
        .jsonPath("$.length()").isEqualTo(1).jsonPath("$[0].longitude").isEqualTo(113.6);
  }

  @Test
  void everyBadSearchIsNamed() {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("lat=91&lng=113.6", "lat");
    bad.put("lat=-86&lng=113.6", "lat");
    bad.put("lat=north&lng=113.6", "lat");
    bad.put("lng=113.6", "lat");
    bad.put("lat=24.8&lng=181", "lng");
    bad.put("lat=24.8&lng=1e400", "lng");
    bad.put("lat=24.8", "lng");
    bad.put("lat=24.8&lng=113.6&radiusM=0", "radiusM");
    bad.put("lat=24.8&lng=113.6&radiusM=50001", "radiusM");
    bad.put("lat=24.8&lng=113.6&radiusM=99999999999", "radiusM");
    bad.put("lat=24.8&lng=113.6&radiusM=1.5", "radiusM");
    bad.put("lat=24.8&lng=113.6&limit=0", "limit");
    bad.put("lat=24.8&lng=113.6&limit=101", "limit");
    bad.put("lat=24.8&lng=113.6&limit=ten", "limit");
    bad.forEach((query, field) -> as("CUSTOMER", HttpMethod.GET, "/api/v1/pickup-points/nearby?" + query, null)
        .expectStatus().isBadRequest().expectBody()
        .jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo(field));
  }

  /** 400 naming the field, and no point or binding written or changed. */
  private void invalid(HttpMethod method, String uri, Map<String, Object> body, String field) {
    String before = tables();
    as("ADMIN", method, uri, body).expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST")
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString()).as("%s in %s", field, body)
            .contains(field));
    assertThat(tables()).isEqualTo(before);
  }

  private String tables() {
    return db.sql("SELECT CONCAT(id, name, longitude, updated_at) AS p FROM pickup_points ORDER BY id")
        .map(r -> r.get("p", String.class)).all().collectList().block(PATIENCE)
        + "" + db.sql("SELECT CONCAT(point_id, subject) AS s FROM pickup_point_staff ORDER BY 1")
        .map(r -> r.get("s", String.class)).all().collectList().block(PATIENCE);
  }

  private static double[] destination(double lat, double lng, double distanceM, double bearingDeg) {
    double d = distanceM / EARTH_RADIUS_M;
    double b = Math.toRadians(bearingDeg);
    double p1 = Math.toRadians(lat);
    double l1 = Math.toRadians(lng);
    double p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
    double l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    return new double[] {Math.toDegrees(p2), Math.toDegrees(l2)};
  }

  private static double haversine(double lat1, double lng1, double lat2, double lng2) {
    double dp = Math.toRadians(lat2 - lat1);
    double dl = Math.toRadians(lng2 - lng1);
    double a = Math.pow(Math.sin(dp / 2), 2)
        + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
  }
}
