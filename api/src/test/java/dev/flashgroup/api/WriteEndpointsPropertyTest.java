package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.Isolation;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Random bodies, headers and ids thrown at every write endpoint of a running instance: never a 5xx,
 * and a 4xx changes nothing (every Redis key of the instance's namespace and every MySQL row are
 * compared before and after). An answer that did change something is waited out until the system is
 * quiet again before the next try.
 */
class WriteEndpointsPropertyTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static Isolation isolation;
  private static ConfigurableApplicationContext app;
  private static WebTestClient http;
  private static StringRedisTemplate redis;
  private static long running;
  private static long scheduled;
  private static String openGroup;
  private static String order;
  private static long point;

  @BeforeContainer
  static void start() {
    isolation = new Isolation();
    Map<String, Object> properties = new LinkedHashMap<>(isolation.properties());
    properties.put("server.port", "0");
    properties.put("flashgroup.client-limits.enabled", "false");
    // As arguments: they outrank application.yml, which default properties would not.
    app = new SpringApplicationBuilder(FlashgroupApplication.class)
        .run(properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30))
        .build();
    redis = new StringRedisTemplate(app.getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class));
    Shop shop = new Shop(http);
    running = shop.schedule("shop-1", Shop.activity(3, 50, 2, Duration.ofHours(1), Duration.ofHours(1)));
    Map<String, Object> later = Shop.activity(3, 50, 2, Duration.ofHours(1), Duration.ofHours(1));
    later.put("startsAt", Instant.now().plus(Duration.ofDays(2)).toString());
    later.put("endsAt", Instant.now().plus(Duration.ofDays(3)).toString());
    scheduled = shop.schedule("shop-1", later);
    Map<?, ?> opened = shop.open("alice", running);
    openGroup = (String) opened.get("groupId");
    order = (String) opened.get("orderId");
    Map<?, ?> created = http.post().uri("/api/v1/admin/pickup-points")
        .headers(h -> h.setBearerAuth(Tokens.of("ADMIN", "admin-1"))).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(PickupPointsTest.point("一号店", 24.8, 113.6)).exchange().expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody();
    point = ((Number) created.get("id")).longValue();
    http.post().uri("/api/v1/admin/pickup-points/" + point + "/staff")
        .headers(h -> h.setBearerAuth(Tokens.of("ADMIN", "admin-1"))).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("subject", "clerk-1")).exchange().expectStatus().isCreated();
    quiet();
  }

  @AfterContainer
  static void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    isolation.removeAll();
  }

  @Property(tries = 150)
  void merchantWritesNeverFailAndRefusalsChangeNothing(@ForAll("merchantWrites") Request request) {
    check(request);
  }

  @Property(tries = 150)
  void buyerWritesNeverFailAndRefusalsChangeNothing(@ForAll("buyerWrites") Request request) {
    check(request);
  }

  @Property(tries = 100)
  void verificationsNeverFailAndRefusalsChangeNothing(@ForAll("verifications") Request request) {
    check(request);
  }

  @Property(tries = 100)
  void leaderWritesNeverFailAndRefusalsChangeNothing(@ForAll("leaderWrites") Request request) {
    check(request);
  }

  @Property(tries = 60)
  void callbacksAndLoginNeverFailAndChangeNothing(@ForAll("publicWrites") Request request) {
    check(request);
  }

  record Request(HttpMethod method, String uri, String role, String subject, Map<String, String> headers,
      String body) {}

  private static void check(Request request) {
    String before = snapshot();
    var spec = http.method(request.method()).uri(request.uri());
    if (request.role() != null) {
      spec = spec.headers(h -> h.setBearerAuth(Tokens.of(request.role(), request.subject())));
    }
    spec = spec.headers(h -> request.headers().forEach(h::set));
    EntityExchangeResult<String> result = (request.body() == null ? spec
        : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(request.body()))
        .exchange().expectBody(String.class).returnResult();
    int status = result.getStatus().value();
    // Login without WeChat configured answers 503 by design: there is nothing to retry against.
    boolean loginUnconfigured = status == 503 && request.uri().equals("/api/v1/auth/wechat");
    assertThat(status < 500 || loginUnconfigured).as("%s answered %d: %s", request, status, result.getResponseBody())
        .isTrue();
    if (status >= 400) {
      String after = snapshot();
      assertThat(after).as("%s answered %d and changed state: %s", request, status, difference(before, after))
          .isEqualTo(before);
    } else {
      quiet();
    }
  }

  // ---- generators -------------------------------------------------------------------------

  @Provide
  Arbitrary<Request> merchantWrites() {
    Arbitrary<String> id = Arbitraries.of(Long.toString(running), Long.toString(scheduled), "0", "-1", "999999",
        "9223372036854775807", "abc");
    return Arbitraries.oneOf(
        activityBody().map(body -> new Request(HttpMethod.POST, "/api/v1/merchant/activities", "MERCHANT", "shop-1",
            Map.of(), body)),
        Combinators.combine(id, activityBody()).as((target, body) -> new Request(HttpMethod.PUT,
            "/api/v1/merchant/activities/" + target, "MERCHANT", "shop-1", Map.of(), body)),
        Combinators.combine(id, jsonValue(), idempotencyKey()).as((target, units, key) -> new Request(HttpMethod.POST,
            "/api/v1/merchant/activities/" + target + "/stock", "MERCHANT", "shop-1", key,
            "{\"units\":" + units + "}")),
        Arbitraries.of("0", "-1", "999999", "abc").map(target -> new Request(HttpMethod.POST,
            "/api/v1/merchant/activities/" + target + "/cancellation", "MERCHANT", "shop-1", Map.of(), null)),
        id.map(target -> new Request(HttpMethod.POST, "/api/v1/merchant/activities/" + target + "/cancellation",
            "MERCHANT", "shop-2", Map.of(), null)));
  }

  @Provide
  Arbitrary<Request> buyerWrites() {
    Arbitrary<String> activity = Arbitraries.of(Long.toString(running), Long.toString(scheduled), "0", "-5", "77777",
        "99999999999999999999", "x");
    Arbitrary<String> group = Arbitraries.of(openGroup, running + "-999", "1-", "-", "abc", "9".repeat(30));
    Arbitrary<String> orderId = Arbitraries.of(order, running + "-999", "abc", "1-1");
    Arbitrary<String> buyer = Arbitraries.of("alice", "bob", "carol", "kA:x");
    return Arbitraries.oneOf(
        Combinators.combine(activity, Arbitraries.of("groups", "groups/match", "orders"), buyer, idempotencyKey())
            .as((a, what, who, key) -> new Request(HttpMethod.POST, "/api/v1/activities/" + a + "/" + what, "CUSTOMER",
                who, key, null)),
        Combinators.combine(group, buyer, idempotencyKey()).as((g, who, key) -> new Request(HttpMethod.POST,
            "/api/v1/groups/" + g + "/members", "CUSTOMER", who, key, null)),
        Combinators.combine(orderId, buyer).as((o, who) -> new Request(HttpMethod.POST,
            "/api/v1/orders/" + o + "/payment", "CUSTOMER", who, Map.of(), null)),
        Combinators.combine(activity, buyer).as((a, who) -> new Request(HttpMethod.POST,
            "/api/v1/activities/" + a + "/orders", "MERCHANT", who, Map.of(), null)));
  }

  /** Leader applications (often almost right), their decisions and suspensions, by every role. */
  @Provide
  Arbitrary<Request> leaderWrites() {
    Arbitrary<String[]> caller = Arbitraries.of(new String[] {"CUSTOMER", "alice"}, new String[] {"CUSTOMER", "bob"},
        new String[] {"ADMIN", "admin-1"}, new String[] {"LEADER", "alice"}, new String[] {"STAFF", "clerk-1"});
    Arbitrary<Map<String, Object>> changes = Arbitraries.maps(
        Arbitraries.of("name", "phone", "kind", "pointId", "communityName", "note", "unknownField"),
        jsonValue().map(v -> (Object) v)).ofMinSize(0).ofMaxSize(3);
    Arbitrary<String> application = changes.map(change -> {
      Map<String, String> raw = new TreeMap<>(Map.of("name", "\"Ann\"", "phone", "\"13800138000\"",
          "kind", "\"POINT\"", "pointId", Long.toString(point)));
      change.forEach((k, v) -> raw.put(k, (String) v));
      List<String> fields = new ArrayList<>();
      raw.forEach((k, v) -> fields.add("\"" + k + "\":" + v));
      return "{" + String.join(",", fields) + "}";
    });
    Arbitrary<String> id = Arbitraries.of("1", "2", "0", "-1", "999999", "abc", "9".repeat(25), "9007199254740993");
    Arbitrary<String> reason = Arbitraries.oneOf(jsonValue().map(v -> "{\"reason\":" + v + "}"), jsonObject(),
        Arbitraries.strings().ofMaxLength(40), Arbitraries.just(null));
    Arbitrary<String> subject = Arbitraries.of("alice", "bob", "b1", "x".repeat(65), "a.b:c-d");
    return Arbitraries.oneOf(
        Combinators.combine(caller, Arbitraries.oneOf(application, jsonObject(), Arbitraries.strings().ofMaxLength(40)))
            .as((who, body) -> new Request(HttpMethod.POST, "/api/v1/leader-applications", who[0], who[1], Map.of(),
                body)),
        Combinators.combine(caller, id, Arbitraries.of("approval", "rejection"), reason)
            .as((who, target, what, body) -> new Request(HttpMethod.POST,
                "/api/v1/admin/leader-applications/" + target + "/" + what, who[0], who[1], Map.of(), body)),
        Combinators.combine(caller, subject, reason).as((who, target, body) -> new Request(HttpMethod.POST,
            "/api/v1/admin/leaders/" + target + "/suspension", who[0], who[1], Map.of(), body)),
        // Commission: withdrawals, their decisions, an admin's reversal.
        Combinators.combine(caller, Arbitraries.oneOf(jsonValue().map(v -> "{\"amount\":" + v + "}"), jsonObject(),
                Arbitraries.strings().ofMaxLength(40)))
            .as((who, body) -> new Request(HttpMethod.POST, "/api/v1/leader/withdrawals", who[0], who[1], Map.of(), body)),
        Combinators.combine(caller, id, Arbitraries.of("payment", "rejection"), Arbitraries.oneOf(reason,
                jsonValue().map(v -> "{\"transferReference\":" + v + "}")))
            .as((who, target, what, body) -> new Request(HttpMethod.POST,
                "/api/v1/admin/withdrawals/" + target + "/" + what, who[0], who[1], Map.of(), body)),
        Combinators.combine(caller, subject, Arbitraries.of(order, "1-1", "abc", "9".repeat(45)), reason)
            .as((who, target, o, body) -> new Request(HttpMethod.POST,
                "/api/v1/admin/leaders/" + target + "/commissions/" + o + "/reversal", who[0], who[1], Map.of(), body)));
  }

  /** Pickup codes scanned by the point's staff, another point's, an admin and a buyer. */
  @Provide
  Arbitrary<Request> verifications() {
    Arbitrary<String> target = Arbitraries.of(Long.toString(point), Long.toString(point), "0", "-1", "999999", "abc",
        "9".repeat(25), "9007199254740993");
    Arbitrary<String[]> caller = Arbitraries.of(new String[] {"STAFF", "clerk-1"}, new String[] {"STAFF", "clerk-2"},
        new String[] {"ADMIN", "admin-1"}, new String[] {"CUSTOMER", "alice"}, new String[] {"MERCHANT", "shop-1"});
    Arbitrary<String> code = Arbitraries.oneOf(Arbitraries.strings().numeric().ofMinLength(10).ofMaxLength(24),
        Arbitraries.strings().ofMaxLength(30));
    Arbitrary<String> body = Arbitraries.oneOf(code.map(c -> "{\"code\":" + JSON.writeValueAsString(c) + "}"),
        jsonValue().map(v -> "{\"code\":" + v + "}"), jsonObject(), Arbitraries.strings().ofMaxLength(40),
        Arbitraries.just(null));
    return Combinators.combine(target, caller, body).as((p, who, b) -> new Request(HttpMethod.POST,
        "/api/v1/pickup-points/" + p + "/verifications", who[0], who[1], Map.of(), b));
  }

  @Provide
  Arbitrary<Request> publicWrites() {
    Arbitrary<String> body = Arbitraries.oneOf(jsonObject(), Arbitraries.strings().ofMaxLength(40));
    Arbitrary<Map<String, String>> headers = Arbitraries.oneOf(Arbitraries.just(Map.of()),
        Arbitraries.strings().alpha().ofMaxLength(20).map(s -> Map.of("Wechatpay-Serial", "PUB_KEY_ID_0000",
            "Wechatpay-Timestamp", Long.toString(Instant.now().getEpochSecond()), "Wechatpay-Nonce", "n" + s,
            "Wechatpay-Signature", "Zm9yZ2Vk" + s)));
    return Combinators.combine(Arbitraries.of("/api/v1/payments/wechat/notify", "/api/v1/payments/wechat/refund-notify",
            "/api/v1/auth/wechat"), headers, body)
        .as((uri, h, b) -> new Request(HttpMethod.POST, uri, null, null, h, b));
  }

  private static Arbitrary<Map<String, String>> idempotencyKey() {
    return Arbitraries.oneOf(Arbitraries.just(Map.of()),
        // What an HTTP client can put in a header at all: visible ASCII.
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(80).map(k -> Map.of("Idempotency-Key", k)),
        Arbitraries.strings().withChars("abc:-_9").ofMinLength(1).ofMaxLength(10).map(k -> Map.of("Idempotency-Key", k)));
  }

  /** A draft that is often almost right: valid fields with one or more replaced by something hostile. */
  private static Arbitrary<String> activityBody() {
    Arbitrary<Map<String, Object>> changes = Arbitraries.maps(
        Arbitraries.of("title", "mode", "groupSize", "groupPrice", "soloPrice", "stock", "perUserLimit", "startsAt",
            "endsAt", "groupTtl", "payWindow", "tiers", "virtualSuccessMissing", "leaderCommissionBps", "unknownField"),
        jsonValue().map(v -> (Object) v)).ofMinSize(0).ofMaxSize(4);
    return Arbitraries.oneOf(
        changes.map(change -> {
          Map<String, Object> draft = new TreeMap<>(Shop.activity(2, 10, 1, Duration.ofMinutes(30),
              Duration.ofMinutes(5)));
          Map<String, String> raw = new TreeMap<>();
          draft.forEach((k, v) -> raw.put(k, JSON.writeValueAsString(v)));
          change.forEach((k, v) -> raw.put(k, (String) v));
          List<String> fields = new ArrayList<>();
          raw.forEach((k, v) -> fields.add("\"" + k + "\":" + v));
          return "{" + String.join(",", fields) + "}";
        }),
        jsonObject(),
        Arbitraries.strings().ofMaxLength(60));
  }

  private static Arbitrary<String> jsonObject() {
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(8), jsonValue()).ofMaxSize(5).map(m -> {
      List<String> fields = new ArrayList<>();
      m.forEach((k, v) -> fields.add("\"" + k + "\":" + v));
      return "{" + String.join(",", fields) + "}";
    });
  }

  /** JSON text of one value that a hostile client might send for any field. */
  private static Arbitrary<String> jsonValue() {
    return Arbitraries.oneOf(
        Arbitraries.of("0", "-1", "1", "2", "5", "2147483647", "2147483648", "9007199254740993", "9223372036854775807",
            "99999999999999999999999", "1.5", "29.9", "1e300", "-0.0", "true", "false", "null", "[]", "{}",
            "[{\"size\":2,\"price\":3000},{\"size\":3,\"price\":2500}]", "[{\"size\":\"two\"}]", "[null]"),
        Arbitraries.of("STANDARD", "TIERED", "FLASH", "standard", "PT1S", "PT27777777H", "P-1D", "PT0S", "PT0.0001S",
            "2026-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
            Instant.now().plusSeconds(60).toString(), "\\u0000", "\\ud83d", "😀", "").map(s -> "\"" + s + "\""),
        Arbitraries.strings().ofMaxLength(300).map(s -> JSON.writeValueAsString(s)),
        Arbitraries.longs().map(n -> Long.toString(n)));
  }

  // ---- state -------------------------------------------------------------------------------

  /** Every Redis key of the namespace with its value, and every MySQL row of the instance. */
  private static String snapshot() {
    StringBuilder state = new StringBuilder();
    List<String> keys = new ArrayList<>();
    try (var cursor = redis.scan(ScanOptions.scanOptions().match(isolation.namespace() + ":*").count(1000).build())) {
      cursor.forEachRemaining(keys::add);
    }
    keys.sort(null);
    // A stored answer to an Idempotency-Key is the point of the key, and a buyer's attempt counter
    // the point of the abuse limit, not changes of the business state (IdempotencyKeysTest and
    // ReserveScriptTest test which answers are stored and how attempts count).
    // Bad pickup codes are counted and every verification attempt recorded: that is what a
    // refused attempt is meant to leave behind (PickupCodesTest tests both).
    keys.removeIf(key -> key.contains(":idem:") || key.contains(":attempts:") || key.contains(":pickup_attempts:"));
    for (String key : keys) {
      state.append(key).append(" = ").append(redisValue(key)).append('\n');
    }
    try (var db = DriverManager.getConnection(isolation.jdbcUrl(), Isolation.DB_USER, Isolation.DB_PASSWORD);
        var statement = db.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
          + isolation.database() + "' AND table_name NOT IN ('flyway_schema_history', 'pickup_verifications')"
          + " ORDER BY table_name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            state.append(table).append(':');
            for (int c = 1; c <= columns; c++) {
              state.append(' ').append(rs.getString(c));
            }
            state.append('\n');
          }
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return state.toString();
  }

  private static String difference(String before, String after) {
    List<String> was = List.of(before.split("\n"));
    List<String> is = List.of(after.split("\n"));
    return "gone " + was.stream().filter(l -> !is.contains(l)).toList() + ", new " + is.stream()
        .filter(l -> !was.contains(l)).toList();
  }

  private static Object redisValue(String key) {
    DataType type = redis.type(key);
    return switch (type) {
      case STRING -> redis.opsForValue().get(key);
      case HASH -> new TreeMap<>(redis.opsForHash().entries(key));
      case ZSET -> redis.opsForZSet().rangeWithScores(key, 0, -1).stream()
          .map(t -> t.getValue() + "@" + t.getScore()).toList();
      case SET -> new java.util.TreeSet<>(redis.opsForSet().members(key));
      case STREAM -> redis.opsForStream().size(key) + " entries";
      default -> type.name();
    };
  }

  /**
   * Waits until two looks a moment apart see the same state and no event is left in a stream (the
   * relay deletes what it relayed; on a loaded machine it may sit there longer than the moment): the
   * relay and workers are done.
   */
  private static void quiet() {
    String last = snapshot();
    for (int i = 0; i < 100; i++) {
      org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> true);
      String now = snapshot();
      if (now.equals(last) && !now.matches("(?s).*:events = [1-9][0-9]* entries.*")) {
        return;
      }
      last = now;
    }
    throw new IllegalStateException("the instance did not settle within 20 s");
  }
}
