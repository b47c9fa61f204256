package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.support.IsolatedServices;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * Pickup codes and their verification (核销) over HTTP: a collectable order gets a code, the staff of
 * its point hands it out once, every refusal has its status and code and changes nothing, and every
 * attempt is on record.
 */
@IsolatedServices
@ApiTest
@TestPropertySource(properties = {"flashgroup.pickup.verification.bad-codes=3",
    "flashgroup.pickup.verification.bad-code-window=PT10M"})
class PickupCodesTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @LocalServerPort int port;
  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  Shop shop;
  Rows rows;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
    rows = new Rows(db);
  }

  private WebTestClient.RequestHeadersSpec<?> as(String role, String subject, WebTestClient.RequestHeadersSpec<?> spec) {
    return spec.headers(h -> h.setBearerAuth(Tokens.of(role, subject)));
  }

  private long point(String name, String... staff) {
    Map<?, ?> created = as("ADMIN", "admin-1", http.post().uri("/api/v1/admin/pickup-points")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(PickupPointsTest.point(name, 24.8, 113.6)))
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    long id = ((Number) created.get("id")).longValue();
    for (String subject : staff) {
      as("ADMIN", "admin-1", http.post().uri("/api/v1/admin/pickup-points/" + id + "/staff")
          .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("subject", subject)))
          .exchange().expectStatus().isCreated();
    }
    return id;
  }

  /** Groups of two, the stock shared by the points ({point, stock} pairs), with the given window (or none). */
  private long activity(Instant from, Instant to, long[]... shares) {
    int stock = 0;
    for (long[] share : shares) {
      stock += (int) share[1];
    }
    Map<String, Object> body = Shop.activity(2, stock, 2, Duration.ofMinutes(30), Duration.ofMinutes(30));
    Map<String, Object> pickup = new LinkedHashMap<>();
    pickup.put("points", java.util.Arrays.stream(shares).map(s -> Map.of("pointId", s[0], "stock", s[1])).toList());
    if (from != null) {
      pickup.put("window", Map.of("from", from.toString(), "to", to.toString()));
    }
    body.put("pickup", pickup);
    return shop.schedule("shop-1", body);
  }

  private Map<?, ?> reserve(String buyer, String uri, long point) {
    return as("CUSTOMER", buyer, http.post().uri(uri).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("pickupPointId", point)))
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
  }

  /** A paid solo order at the point: collectable at once. */
  private String collectable(String buyer, long activity, long point) {
    String order = (String) reserve(buyer, "/api/v1/activities/" + activity + "/orders", point).get("orderId");
    shop.pay(buyer, order);
    return order;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> pickup(String role, String subject, String order) {
    return as(role, subject, http.get().uri("/api/v1/orders/" + order + "/pickup")).exchange()
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
  }

  private WebTestClient.ResponseSpec verify(String role, String subject, long point, Object body) {
    var spec = http.post().uri("/api/v1/pickup-points/" + point + "/verifications")
        .headers(h -> h.setBearerAuth(Tokens.of(role, subject)));
    return body == null ? spec.exchange() : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  private void refused(WebTestClient.ResponseSpec answer, int status, String code) {
    answer.expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }

  private String liveStatus(long activity, String order) {
    return redis.<String, String>opsForHash().get(keys.of(new ActivityId(activity)).order(order), "status")
        .block(PATIENCE);
  }

  private String pickupCodeRow(String order) {
    return db.sql("SELECT code FROM pickup_codes WHERE order_id = :o").bind("o", order)
        .map(r -> r.get("code", String.class)).one().block(PATIENCE);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theWholeStoryFromGroupToPickup() {
    long here = point("一号店", "clerk-a");
    long there = point("二号站", "clerk-b");
    Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    Instant to = from.plus(Duration.ofHours(3));
    long activity = activity(from, to, new long[] {here, 5}, new long[] {there, 5});
    Map<?, ?> opened = reserve("alice-wang", "/api/v1/activities/" + activity + "/groups", here);
    Map<?, ?> joined = reserve("bob", "/api/v1/groups/" + opened.get("groupId") + "/members", there);
    String alice = (String) opened.get("orderId");
    String bob = (String) joined.get("orderId");

    // No code before the group succeeded.
    refused(as("CUSTOMER", "alice-wang", http.get().uri("/api/v1/orders/" + alice + "/pickup")).exchange(), 409,
        "NOT_COLLECTABLE");
    shop.pay("alice-wang", alice);
    shop.pay("bob", bob);

    // The projector issues both codes; the buyer sees hers with the activity's window.
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM pickup_codes WHERE activity_id = "
        + activity) == 2);
    Map<String, Object> ticket = pickup("CUSTOMER", "alice-wang", alice);
    String code = (String) ticket.get("code");
    assertThat(code).matches("[0-9]{16}").isEqualTo(pickupCodeRow(alice));
    assertThat(ticket.get("pointId")).isEqualTo((int) here);
    assertThat(ticket.get("status")).isEqualTo("READY");
    assertThat((Map<String, Object>) ticket.get("window")).containsEntry("from", from.toString()).containsEntry("to", to.toString());
    assertThat(pickup("ADMIN", "admin-1", alice).get("code")).isEqualTo(code);
    refused(as("CUSTOMER", "carol", http.get().uri("/api/v1/orders/" + alice + "/pickup")).exchange(), 403,
        "FORBIDDEN");
    refused(as("CUSTOMER", "carol", http.get().uri("/api/v1/orders/" + activity + "-999/pickup")).exchange(), 404,
        "NOT_FOUND");
    String bobsCode = (String) pickup("CUSTOMER", "bob", bob).get("code");

    // Refusals change nothing: another point's staff at their own point, staff of another point, a buyer.
    refused(verify("STAFF", "clerk-b", there, Map.of("code", code)), 409, "WRONG_POINT");
    refused(verify("STAFF", "clerk-b", here, Map.of("code", code)), 403, "NOT_POINT_STAFF");
    refused(verify("CUSTOMER", "alice-wang", here, Map.of("code", code)), 403, "FORBIDDEN");
    assertThat(liveStatus(activity, alice)).isEqualTo("SUCCEEDED");

    @SuppressWarnings("unchecked")
    Map<String, Object> verified = verify("STAFF", "clerk-a", here, Map.of("code", code)).expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    assertThat(verified).containsEntry("orderId", alice).containsEntry("buyer", "al***ng")
        .containsEntry("title", "Shaoguan mandarins 5 kg").containsEntry("units", 1);
    String verifiedAt = (String) verified.get("verifiedAt");
    verify("STAFF", "clerk-a", here, Map.of("code", code)).expectStatus().isEqualTo(409).expectBody()
        .jsonPath("$.code").isEqualTo("ALREADY_PICKED_UP").jsonPath("$.verifiedAt").isEqualTo(verifiedAt)
        .jsonPath("$.orderId").isEqualTo(alice);
    assertThat(pickup("CUSTOMER", "alice-wang", alice)).containsEntry("status", "PICKED_UP").containsEntry("code", code);
    await().atMost(PATIENCE).until(() -> "PICKED_UP".equals(rows.orderStatus(alice)));
    // The projector records who handed it out on the order itself (what survives a lost audit row).
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM orders WHERE id = '" + alice
        + "' AND picked_up_at IS NOT NULL AND picked_up_by = 'clerk-a'") == 1);

    // An admin may verify at any point; bob collects at his own.
    verify("ADMIN", "admin-2", there, Map.of("code", bobsCode)).expectStatus().isOk();
    assertThat(liveStatus(activity, bob)).isEqualTo("PICKED_UP");

    // Every attempt is on record, newest first, with only the code's last four digits.
    Map<?, ?> attempts = as("ADMIN", "admin-1", http.get().uri("/api/v1/admin/pickup-points/" + here
        + "/verifications")).exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list = (List<Map<String, Object>>) attempts.get("verifications");
    assertThat(list.stream().map(a -> a.get("outcome")).toList())
        .containsExactly("ALREADY_PICKED_UP", "PICKED_UP", "NOT_POINT_STAFF");
    assertThat(list.stream().map(a -> a.get("codeTail")).toList()).containsOnly(code.substring(12));
    assertThat(list.stream().map(a -> a.get("subject")).toList()).containsExactly("clerk-a", "clerk-a", "clerk-b");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE point_id = " + there
        + " AND outcome = 'WRONG_POINT' AND order_id IS NULL")).isEqualTo(1);
    refused(as("STAFF", "clerk-a", http.get().uri("/api/v1/admin/pickup-points/" + here + "/verifications"))
        .exchange(), 403, "FORBIDDEN");
  }

  @Test
  void theQrCodeDecodesBackToTheCode() throws Exception {
    long here = point("三号柜");
    long activity = activity(null, null, new long[] {here, 3});
    String order = collectable("dan", activity, here);

    Map<String, Object> ticket = pickup("CUSTOMER", "dan", order);
    byte[] png = as("CUSTOMER", "dan", http.get().uri("/api/v1/orders/" + order + "/pickup/qr.png")).exchange()
        .expectStatus().isOk().expectHeader().contentType(MediaType.IMAGE_PNG)
        .expectBody(byte[].class).returnResult().getResponseBody();

    var image = ImageIO.read(new ByteArrayInputStream(png));
    String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
        new BufferedImageLuminanceSource(image)))).getText();
    assertThat(decoded).isEqualTo(ticket.get("code"));
    refused(as("ADMIN", "admin-1", http.get().uri("/api/v1/orders/" + order + "/pickup/qr.png")).exchange(), 403,
        "FORBIDDEN");
  }

  @Test
  void withoutAWindowTheOrderIsCollectedInThePointsHoursTheDayAfterTheSale() {
    long here = point("四号店");
    long activity = activity(null, null, new long[] {here, 3});
    String order = collectable("erin", activity, here);

    Map<String, Object> ticket = pickup("CUSTOMER", "erin", order);
    // The point's hours (08:00-21:30 Asia/Shanghai) the day after the sale ends.
    assertThat(ticket.get("window")).isNotNull();
    @SuppressWarnings("unchecked")
    Map<String, Object> window = (Map<String, Object>) ticket.get("window");
    assertThat(Instant.parse((String) window.get("from")).atZone(java.time.ZoneId.of("Asia/Shanghai")).toLocalTime())
        .hasToString("08:00");
    assertThat(Instant.parse((String) window.get("to")).atZone(java.time.ZoneId.of("Asia/Shanghai")).toLocalTime())
        .hasToString("21:30");
    assertThat(ticket).containsEntry("status", "WAITING");
  }

  @Test
  void aCollectableOrderWithoutItsCodeYetGetsItOnDemand() {
    long here = point("五号店");
    long activity = activity(Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1).plusHours(2)),
        new long[] {here, 3});
    String order = collectable("fay", activity, here);
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM pickup_codes WHERE order_id = '"
        + order + "'") == 1);
    // As if the projection had not reached it yet.
    db.sql("DELETE FROM pickup_codes WHERE order_id = :o").bind("o", order).then().block(PATIENCE);

    Map<String, Object> ticket = pickup("CUSTOMER", "fay", order);
    assertThat(ticket.get("status")).isEqualTo("WAITING");
    assertThat(ticket.get("code")).isEqualTo(pickupCodeRow(order));
    assertThat(pickup("CUSTOMER", "fay", order).get("code")).isEqualTo(ticket.get("code"));
  }

  @Test
  void anOrderOfAnActivityWithoutPointsHasNoPickup() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 5, 1, Duration.ofMinutes(30), Duration.ofMinutes(30)));
    String order = (String) shop.solo("gus", activity).get("orderId");
    shop.pay("gus", order);

    refused(as("CUSTOMER", "gus", http.get().uri("/api/v1/orders/" + order + "/pickup")).exchange(), 409, "NO_PICKUP");
  }

  @Test
  void refusesHostileCodesAndOrdersThatAreNotCollectable() {
    long here = point("六号店", "clerk-f");
    long activity = activity(null, null, new long[] {here, 5});
    String unpaid = (String) reserve("hal", "/api/v1/activities/" + activity + "/orders", here).get("orderId");
    // A code for an order that is not collectable (only a hand-made row can be: codes are issued once it is).
    db.sql("INSERT INTO pickup_codes (order_id, activity_id, point_id, code, issued_at) VALUES (:o, :a, :p,"
        + " '5555666677778888', NOW(3))").bind("o", unpaid).bind("a", activity).bind("p", here).then().block(PATIENCE);

    refused(verify("STAFF", "clerk-f", here, Map.of("code", "5555666677778888")), 409, "NOT_COLLECTABLE");
    assertThat(liveStatus(activity, unpaid)).isEqualTo("RESERVED");
    // Malformed codes count against the limit (three here): each from its own admin.
    int n = 0;
    for (Object hostile : List.of("12ab", "123456789012", "123456789012345678901", " 5555666677778888", "",
        "５５５５６６６６７７７７８８８８")) {
      verify("ADMIN", "admin-h" + n++, here, Map.of("code", hostile)).expectStatus().isBadRequest().expectBody()
          .jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("code");
    }
    refused(verify("STAFF", "clerk-f", here, Map.of("code", 5555666677778888L)), 400, "MALFORMED_REQUEST");
    refused(verify("STAFF", "clerk-f", here, null), 400, "INVALID_REQUEST");
    refused(verify("ADMIN", "admin-1", 999_999_999, Map.of("code", "5555666677778888")), 404, "NOT_FOUND");
    as("STAFF", "clerk-f", http.post().uri("/api/v1/pickup-points/abc/verifications")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", "5555666677778888"))).exchange()
        .expectStatus().isNotFound();
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE point_id = " + here
        + " AND outcome = 'MALFORMED' AND code_tail IS NULL")).isEqualTo(7);
  }

  @Test
  void repeatedBadCodesFromOneStaffMemberAreSlowedOnEveryInstance() {
    long here = point("七号店", "clerk-g", "clerk-h");
    long activity = activity(null, null, new long[] {here, 5});
    String order = collectable("ivy", activity, here);
    await().atMost(PATIENCE).until(() -> pickupCodeRow(order) != null);
    String code = pickupCodeRow(order);

    for (int i = 0; i < 3; i++) {
      refused(verify("STAFF", "clerk-g", here, Map.of("code", "000000000000000" + i)), 404, "UNKNOWN_CODE");
    }
    // Past the limit even the right code waits; the counter is Redis', shared by every instance.
    verify("STAFF", "clerk-g", here, Map.of("code", code)).expectStatus().isEqualTo(429)
        .expectHeader().value("Retry-After", v -> assertThat(Long.parseLong(v)).isBetween(1L, 600L))
        .expectBody().jsonPath("$.code").isEqualTo("TOO_MANY_ATTEMPTS");
    refused(verify("STAFF", "clerk-g", here, Map.of("code", code)), 429, "TOO_MANY_ATTEMPTS");
    // Three bad codes and two refused attempts, all counted.
    assertThat(redis.opsForValue().get(keys.badPickupCodes("clerk-g")).block(PATIENCE)).isEqualTo("5");
    assertThat(liveStatus(activity, order)).isEqualTo("SUCCEEDED");

    // Another staff member is not slowed.
    verify("STAFF", "clerk-h", here, Map.of("code", code)).expectStatus().isOk();
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE point_id = " + here
        + " AND subject = 'clerk-g' AND outcome = 'TOO_MANY_ATTEMPTS'")).isEqualTo(1);
  }

  @Test
  void twentySimultaneousScansOfOneCodeHandItOutOnce() {
    long here = point("八号店", "clerk-i");
    long activity = activity(null, null, new long[] {here, 5});
    String order = collectable("jo", activity, here);
    await().atMost(PATIENCE).until(() -> pickupCodeRow(order) != null);
    String code = pickupCodeRow(order);

    assertThat(twentyScans(here, "clerk-i", code)).containsOnly(Map.entry("200 ", 1L), Map.entry("409 ALREADY_PICKED_UP", 19L));
    await().atMost(PATIENCE).until(() -> "PICKED_UP".equals(rows.orderStatus(order)));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE order_id = '" + order + "'"))
        .isEqualTo(20);
  }

  @Test
  void aRetiredActivitysPointsShowTheUnitsItsOrdersHold() {
    long first = point("十八号店");
    long second = point("十九号站");
    long activity = activity(null, null, new long[] {first, 3}, new long[] {second, 2});
    String collected = projected("tom", activity, first);
    projected("uma", activity, first);
    projected("vic", activity, second);
    verify("ADMIN", "admin-3", first, Map.of("code", pickupCodeRow(collected))).expectStatus().isOk();
    await().atMost(PATIENCE).until(() -> "PICKED_UP".equals(rows.orderStatus(collected)));
    forgetInRedis(activity);

    shop.merchant("shop-1", org.springframework.http.HttpMethod.GET, "/api/v1/merchant/activities/" + activity, null)
        .expectStatus().isOk().expectBody()
        .jsonPath("$.figures.pointsRemaining." + first).isEqualTo(1)
        .jsonPath("$.figures.pointsRemaining." + second).isEqualTo(1)
        .jsonPath("$.pickup.points[0].remaining").isEqualTo(1);
  }

  @Test
  void goodCodesDoNotUseUpTheLimit() {
    long here = point("十四号店", "clerk-p");
    long activity = activity(null, null, new long[] {here, 5});
    List<String> codes = new java.util.ArrayList<>();
    for (String buyer : List.of("pam", "quin", "ray", "sue")) {
      String order = projected(buyer, activity, here);
      codes.add(pickupCodeRow(order));
    }

    for (String code : codes) {
      verify("STAFF", "clerk-p", here, Map.of("code", code)).expectStatus().isOk();
    }
    refused(verify("STAFF", "clerk-p", here, Map.of("code", codes.get(0))), 409, "ALREADY_PICKED_UP");
    assertThat(redis.opsForValue().get(keys.badPickupCodes("clerk-p")).block(PATIENCE)).isEqualTo("0");
  }

  @Test
  void ofFiftySimultaneousBadCodesOnlyTheLimitArePassed() {
    long here = point("十五号店", "clerk-q");
    WebClient client = WebClient.builder().baseUrl("http://localhost:" + port).build();

    Map<String, Long> answers = Flux.range(0, 50)
        .flatMap(i -> client.post().uri("/api/v1/pickup-points/{p}/verifications", here)
            .headers(h -> h.setBearerAuth(Tokens.of("STAFF", "clerk-q"))).contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("code", String.format("9%015d", i)))
            .exchangeToMono(r -> r.bodyToMono(Map.class).map(body -> r.statusCode().value() + " " + body.get("code"))),
            50)
        .collectList().block(PATIENCE).stream().collect(Collectors.groupingBy(a -> a, Collectors.counting()));

    assertThat(answers).containsOnly(Map.entry("404 UNKNOWN_CODE", 3L), Map.entry("429 TOO_MANY_ATTEMPTS", 47L));
    // One row per code looked up, and one for the window's refusals.
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE point_id = " + here
        + " AND outcome = 'UNKNOWN_CODE'")).isEqualTo(3);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE point_id = " + here
        + " AND outcome = 'TOO_MANY_ATTEMPTS'")).isEqualTo(1);
  }

  @Test
  void refusalsCountAgainstTheLimitAndUnknownPointsAreNotRecorded() {
    long here = point("十六号店", "clerk-r");
    long elsewhere = point("十七号站", "clerk-s");
    String code = "1234123412341234";

    // Another point's staff: refused, recorded and counted; past the limit slowed, recorded once.
    for (int i = 0; i < 3; i++) {
      refused(verify("STAFF", "clerk-s", here, Map.of("code", code)), 403, "NOT_POINT_STAFF");
    }
    refused(verify("STAFF", "clerk-s", here, Map.of("code", code)), 429, "TOO_MANY_ATTEMPTS");
    refused(verify("STAFF", "clerk-s", elsewhere, Map.of("code", code)), 429, "TOO_MANY_ATTEMPTS");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE subject = 'clerk-s'"
        + " AND outcome = 'NOT_POINT_STAFF'")).isEqualTo(3);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE subject = 'clerk-s'"
        + " AND outcome = 'TOO_MANY_ATTEMPTS'")).isEqualTo(1);

    // Malformed codes count too.
    for (int i = 0; i < 3; i++) {
      refused(verify("STAFF", "clerk-r", here, Map.of("code", "12ab")), 400, "INVALID_REQUEST");
    }
    refused(verify("STAFF", "clerk-r", here, Map.of("code", code)), 429, "TOO_MANY_ATTEMPTS");

    // A point that does not exist: 404, and nothing recorded or counted.
    refused(verify("STAFF", "clerk-t", 888_888_888, Map.of("code", code)), 404, "NOT_FOUND");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE point_id = 888888888")).isZero();
    assertThat(redis.hasKey(keys.badPickupCodes("clerk-t")).block(PATIENCE)).isFalse();
  }

  /**
   * Scans the code 20 times at once, by the point's clerk and 19 admins (each its own subject: every
   * attempt takes one of its subject's three until its code proves good); the answers counted.
   */
  private Map<String, Long> twentyScans(long point, String clerk, String code) {
    WebClient client = WebClient.builder().baseUrl("http://localhost:" + port).build();
    return Flux.range(0, 20)
        .flatMap(i -> client.post().uri("/api/v1/pickup-points/{p}/verifications", point)
            .headers(h -> h.setBearerAuth(Tokens.of(i == 0 ? "STAFF" : "ADMIN", i == 0 ? clerk : clerk + "-admin-" + i)))
            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", code))
            .exchangeToMono(r -> r.bodyToMono(Map.class).map(body -> r.statusCode().value() + " "
                + (r.statusCode().value() == 200 ? "" : body.get("code")))), 20)
        .collectList().block(PATIENCE)
        .stream().collect(Collectors.groupingBy(a -> a, Collectors.counting()));
  }

  /** A collectable order whose code and SUCCEEDED status MySQL holds (the projector is through). */
  private String projected(String buyer, long activity, long point) {
    String order = collectable(buyer, activity, point);
    await().atMost(PATIENCE).until(() -> pickupCodeRow(order) != null && "SUCCEEDED".equals(rows.orderStatus(order)));
    return order;
  }

  private void forgetInRedis(long activity) {
    String prefix = keys.of(new ActivityId(activity)).prefix();
    redis.scan(org.springframework.data.redis.core.ScanOptions.scanOptions().match(prefix + "*").count(1_000).build())
        .collectList().flatMap(found -> found.isEmpty() ? reactor.core.publisher.Mono.just(0L)
            : redis.delete(found.toArray(String[]::new)))
        .block(PATIENCE);
  }

  @Test
  void anOverdueOrderOnlyMySqlHoldsIsHandedOutOnceByTwentySimultaneousScans() {
    long here = point("十一号店", "clerk-m");
    long activity = activity(null, null, new long[] {here, 5});
    String order = projected("max", activity, here);
    // The activity is over and retired: its OVERDUE order settled it, and Redis holds nothing of it.
    db.sql("UPDATE orders SET status = 'OVERDUE' WHERE id = :o").bind("o", order).then().block(PATIENCE);
    db.sql("UPDATE activities SET starts_at = :t, ends_at = :t WHERE id = :a")
        .bind("t", java.time.LocalDateTime.ofInstant(Instant.now().minus(Duration.ofDays(30)), java.time.ZoneOffset.UTC))
        .bind("a", activity).then().block(PATIENCE);
    forgetInRedis(activity);
    assertThat(pickup("CUSTOMER", "max", order)).containsEntry("status", "OVERDUE");

    assertThat(twentyScans(here, "clerk-m", pickupCodeRow(order)))
        .containsOnly(Map.entry("200 ", 1L), Map.entry("409 ALREADY_PICKED_UP", 19L));
    assertThat(rows.orderStatus(order)).isEqualTo("PICKED_UP");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM orders WHERE id = '" + order + "' AND picked_up_at IS NOT NULL"
        + " AND picked_up_by LIKE 'clerk-m%'")).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM pickup_verifications WHERE order_id = '" + order
        + "' AND outcome = 'PICKED_UP'")).isEqualTo(1);
    assertThat(pickup("CUSTOMER", "max", order)).containsEntry("status", "PICKED_UP");
  }

  @Test
  void anOrderOfARetiredActivityIsHandedOutInMySqlAndRedisIsNotWritten() {
    long here = point("十二号店", "clerk-n");
    long activity = activity(null, null, new long[] {here, 5});
    String order = projected("ned", activity, here);
    var k = keys.of(new ActivityId(activity));
    redis.opsForHash().put(k.retirement(), "phase", "RETIRED").block(PATIENCE);
    Long events = redis.opsForStream().size(k.events()).block(PATIENCE);

    verify("STAFF", "clerk-n", here, Map.of("code", pickupCodeRow(order))).expectStatus().isOk()
        .expectBody().jsonPath("$.orderId").isEqualTo(order).jsonPath("$.buyer").isEqualTo("n***");
    assertThat(rows.orderStatus(order)).isEqualTo("PICKED_UP");
    assertThat(liveStatus(activity, order)).isEqualTo("SUCCEEDED");
    assertThat(redis.opsForStream().size(k.events()).block(PATIENCE)).isEqualTo(events);
    refused(verify("STAFF", "clerk-n", here, Map.of("code", pickupCodeRow(order))), 409, "ALREADY_PICKED_UP");
  }

  @Test
  void aScanWhileTheActivityAwaitsItsRebuildAnswersUnavailableAndChangesNothing() {
    long here = point("十三号店", "clerk-o");
    long activity = activity(null, null, new long[] {here, 5});
    String order = projected("oz", activity, here);
    var k = keys.of(new ActivityId(activity));
    // Another instance holds the rebuild, so the activity stays lost for the test.
    redis.opsForHash().put(k.rebuild(), "owner", "another-instance").block(PATIENCE);
    redis.expire(k.rebuild(), Duration.ofMinutes(5)).block(PATIENCE);
    redis.delete(k.activity(), k.order(order)).block(PATIENCE);

    verify("STAFF", "clerk-o", here, Map.of("code", pickupCodeRow(order)))
        .expectStatus().isEqualTo(503).expectHeader().exists("Retry-After")
        .expectBody().jsonPath("$.code").isEqualTo("UNAVAILABLE");
    assertThat(rows.orderStatus(order)).isEqualTo("SUCCEEDED");
  }

  @Test
  void aDeactivatedPointTakesNoNewReservationsInAWarmActivityAndItsOrdersStillCollect() {
    long open = point("九号店");
    long closing = point("十号站", "clerk-k");
    long activity = activity(null, null, new long[] {open, 5}, new long[] {closing, 5});
    String before = collectable("kim", activity, closing);
    await().atMost(PATIENCE).until(() -> pickupCodeRow(before) != null);

    as("ADMIN", "admin-1", http.post().uri("/api/v1/admin/pickup-points/" + closing + "/deactivation")).exchange()
        .expectStatus().isOk();

    as("CUSTOMER", "lee", http.post().uri("/api/v1/activities/" + activity + "/orders")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", closing))).exchange()
        .expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("PICKUP_POINT_CLOSED");
    reserve("lee", "/api/v1/activities/" + activity + "/orders", open);
    verify("STAFF", "clerk-k", closing, Map.of("code", pickupCodeRow(before))).expectStatus().isOk();
  }
}
