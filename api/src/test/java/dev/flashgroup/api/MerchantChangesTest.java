package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import dev.flashgroup.engine.support.IsolatedServices;

/**
 * Merchants edit, cancel, restock and list their activities; every change lands in MySQL and in
 * Redis or in neither, including when the MySQL write fails after the Lua script ran.
 */
@IsolatedServices
@ApiTest
class MerchantChangesTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String LISTING = "/api/v1/merchant/activities";
  private static final String BASE = LISTING + "/";

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  Shop shop;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
  }

  /** An activity that starts in {@code startsIn} and runs for a day; warm at once when it starts within 10 minutes. */
  private static Map<String, Object> startingIn(Duration startsIn, int stock) {
    Map<String, Object> body = Shop.activity(2, stock, 2, Duration.ofMinutes(10), Duration.ofMinutes(5));
    Instant start = Instant.now().plus(startsIn);
    body.put("startsAt", start.toString());
    body.put("endsAt", start.plus(Duration.ofDays(1)).toString());
    return body;
  }

  @Test
  void editsTheSafetyStockBeforeTheStartInMySqlAndInRedis() {
    Map<String, Object> body = startingIn(Duration.ofMinutes(5), 10);
    body.put("safetyStock", 3);
    long id = shop.schedule("shop-1", body);
    assertThat(redisField(id, "safety_stock")).isEqualTo("3");
    Map<String, Object> edited = startingIn(Duration.ofMinutes(6), 10);
    edited.put("safetyStock", 2);

    shop.merchant("shop-1", HttpMethod.PUT, BASE + id, edited).expectStatus().isOk()
        .expectBody().jsonPath("$.safetyStock").isEqualTo(2);
    assertThat(column(id, "safety_stock")).isEqualTo(2L);
    assertThat(redisField(id, "safety_stock")).isEqualTo("2");

    shop.merchant("shop-1", HttpMethod.PUT, BASE + id, startingIn(Duration.ofMinutes(6), 10)).expectStatus().isOk()
        .expectBody().jsonPath("$.safetyStock").isEmpty();
    assertThat(column(id, "safety_stock")).isNull();
    assertThat(redisField(id, "safety_stock")).isNull();
  }

  @Test
  void editsTermsBeforeTheStartInMySqlAndInRedis() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofMinutes(5), 10));
    assertThat(redisField(id, "stock")).isEqualTo("10");
    Map<String, Object> edited = startingIn(Duration.ofMinutes(6), 25);
    edited.put("groupPrice", 2590);

    shop.merchant("shop-1", HttpMethod.PUT, BASE + id, edited).expectStatus().isOk()
        .expectBody().jsonPath("$.stock").isEqualTo(25).jsonPath("$.groupPrice").isEqualTo(2590)
        .jsonPath("$.status").isEqualTo("SCHEDULED");

    assertThat(column(id, "stock")).isEqualTo(25L);
    assertThat(redisField(id, "stock")).isEqualTo("25");
    assertThat(redisField(id, "stock_total")).isEqualTo("25");
    assertThat(redisField(id, "group_price")).isEqualTo("2590");
  }

  @Test
  void anEditIntoTiersAndVirtualSuccessReachesMySqlAndRedis() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofMinutes(5), 10));
    Map<String, Object> tiered = Shop.tiered(Duration.ofMinutes(10), new long[] {2, 3000}, new long[] {3, 2500});
    tiered.putAll(Map.of("startsAt", Instant.now().plus(Duration.ofMinutes(6)).toString(),
        "endsAt", Instant.now().plus(Duration.ofDays(1)).toString(), "virtualSuccessMissing", 1));

    shop.merchant("shop-1", HttpMethod.PUT, BASE + id, tiered).expectStatus().isOk();

    assertThat(column(id, "tiers")).isEqualTo("2:3000,3:2500");
    assertThat(column(id, "virtual_success_missing")).isEqualTo(1L);
    assertThat(column(id, "group_size")).isEqualTo(3L);
    assertThat(redisField(id, "tiers")).isEqualTo("2:3000,3:2500");
    assertThat(redisField(id, "virtual_missing")).isEqualTo("1");
  }

  @Test
  void editsAnActivityNotWarmInMySqlOnly() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofDays(2), 10));

    shop.merchant("shop-1", HttpMethod.PUT, BASE + id, startingIn(Duration.ofDays(2), 30)).expectStatus().isOk();

    assertThat(column(id, "stock")).isEqualTo(30L);
    assertThat(redis.hasKey(keys.of(new ActivityId(id)).activity()).block(PATIENCE)).isFalse();
  }

  @Test
  void refusesEditingAStartedActivity() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 10));

    refused(shop.merchant("shop-1", HttpMethod.PUT, BASE + id, startingIn(Duration.ofMinutes(5), 30)),
        HttpStatus.CONFLICT, "ACTIVITY_STARTED");
    assertThat(redisField(id, "stock")).isEqualTo("10");
  }

  @Test
  void reportsEveryBadFieldOfAnEdit() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofMinutes(5), 10));
    Map<String, Object> bad = startingIn(Duration.ofMinutes(5), -4);
    bad.put("groupPrice", 0);

    refused(shop.merchant("shop-1", HttpMethod.PUT, BASE + id, bad), HttpStatus.BAD_REQUEST, "INVALID_REQUEST")
        .jsonPath("$.errors.length()").isEqualTo(2);
  }

  @Test
  void onlyTheOwningMerchantOrAnAdminChangesAnActivity() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofMinutes(5), 10));

    refused(shop.merchant("shop-2", HttpMethod.PUT, BASE + id, startingIn(Duration.ofMinutes(5), 30)),
        HttpStatus.FORBIDDEN, "FORBIDDEN");
    refused(shop.merchant("shop-2", HttpMethod.POST, BASE + id + "/cancellation", null), HttpStatus.FORBIDDEN, "FORBIDDEN");
    refused(shop.merchant("shop-2", HttpMethod.POST, BASE + id + "/stock", Map.of("units", 5)),
        HttpStatus.FORBIDDEN, "FORBIDDEN");
    refused(http.post().uri(BASE + id + "/cancellation").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice")))
        .exchange(), HttpStatus.FORBIDDEN, "FORBIDDEN");
    refused(shop.merchant("shop-1", HttpMethod.POST, BASE + "999999/cancellation", null), HttpStatus.NOT_FOUND, "NOT_FOUND");
    assertThat(column(id, "cancelled_at")).isNull();

    http.post().uri(BASE + id + "/stock").headers(h -> h.setBearerAuth(Tokens.of("ADMIN", "ops")))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("units", 5)).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.stock").isEqualTo(15);
  }

  @Test
  void cancellingARunningActivityStopsReservationsFailsAndRefundsItsOpenGroupsAndExpiresUnpaidOrders() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 10));
    Map<?, ?> alice = shop.open("alice", id);
    shop.pay("alice", alice.get("orderId"));
    Map<?, ?> bob = shop.open("bob", id);
    Map<?, ?> dave = shop.solo("dave", id);

    shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/cancellation", null).expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("CANCELLED");

    shop.refused("carol", "/api/v1/activities/" + id + "/groups", HttpStatus.CONFLICT, "ACTIVITY_CANCELLED");
    shop.refused("carol", "/api/v1/groups/" + alice.get("groupId") + "/members", HttpStatus.CONFLICT, "ACTIVITY_CANCELLED");
    shop.refused("carol", "/api/v1/activities/" + id + "/orders", HttpStatus.CONFLICT, "ACTIVITY_CANCELLED");
    await().atMost(PATIENCE).until(() -> "FAILED".equals(status("purchase_groups", alice.get("groupId")))
        && "FAILED".equals(status("purchase_groups", bob.get("groupId"))));
    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(status("orders", alice.get("orderId"))));
    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(status("orders", bob.get("orderId"))));
    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(status("orders", dave.get("orderId"))));
    await().atMost(PATIENCE).until(() -> "10".equals(redisField(id, "stock")));
    assertThat(count("SELECT COUNT(*) AS n FROM refunds WHERE order_id = '" + alice.get("orderId")
        + "' AND reason = 'ACTIVITY_CANCELLED' AND status = 'CONFIRMED'")).isEqualTo(1);
    assertThat(column(id, "cancelled_at")).isNotNull();
    assertThat(redisField(id, "state")).isEqualTo("CANCELLED");

    refused(shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/cancellation", null),
        HttpStatus.CONFLICT, "ACTIVITY_CANCELLED");
    refused(shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/stock", Map.of("units", 5)),
        HttpStatus.CONFLICT, "ACTIVITY_CANCELLED");
    refused(shop.merchant("shop-1", HttpMethod.PUT, BASE + id, startingIn(Duration.ofMinutes(5), 30)),
        HttpStatus.CONFLICT, "ACTIVITY_CANCELLED");
  }

  @Test
  void anActivityCancelledBeforeItWasWarmedIsNeverWarmedAndRefusesBuyers() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofHours(3), 10));

    shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/cancellation", null).expectStatus().isOk();

    shop.refused("alice", "/api/v1/activities/" + id + "/groups", HttpStatus.CONFLICT, "ACTIVITY_CANCELLED");
    assertThat(column(id, "warmed_at")).isNull();
    assertThat(redis.hasKey(keys.of(new ActivityId(id)).activity()).block(PATIENCE)).isFalse();
  }

  @Test
  void addingStockWhileRunningSellsTheNewUnitsAtOnce() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 1));
    shop.solo("alice", id);
    shop.refused("bob", "/api/v1/activities/" + id + "/orders", HttpStatus.CONFLICT, "SOLD_OUT");

    shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/stock", Map.of("units", 2)).expectStatus().isOk()
        .expectBody().jsonPath("$.stock").isEqualTo(3).jsonPath("$.remainingStock").isEqualTo(2);

    // The restock message reaches this instance's sold-out knowledge over pub/sub, a moment later.
    await().atMost(PATIENCE).untilAsserted(() -> shop.solo("bob", id));
    assertThat(column(id, "stock")).isEqualTo(3L);
    assertThat(redisField(id, "stock_total")).isEqualTo("3");
    assertThat(redisField(id, "stock")).isEqualTo("1");
  }

  @Test
  void aStockRequestRepeatedWithItsIdempotencyKeyAddsOnce() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 4));
    for (int attempt = 0; attempt < 2; attempt++) {
      addStockWithKey(id, 6, "restock-1").expectStatus().isOk().expectBody().jsonPath("$.stock").isEqualTo(10);
    }
    assertThat(column(id, "stock")).isEqualTo(10L);
    assertThat(redisField(id, "stock_total")).isEqualTo("10");
  }

  @Test
  void aStockRequestRepeatedWithItsIdempotencyKeyAddsOnceToAnActivityNotWarmYet() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofDays(1), 4));
    for (int attempt = 0; attempt < 2; attempt++) {
      addStockWithKey(id, 6, "restock-1").expectStatus().isOk().expectBody().jsonPath("$.stock").isEqualTo(10);
    }
    addStockWithKey(id, 1, "restock-2").expectStatus().isOk().expectBody().jsonPath("$.stock").isEqualTo(11);
    addStockWithKey(id, 6, "restock-1").expectStatus().isOk().expectBody().jsonPath("$.stock").isEqualTo(11);

    assertThat(column(id, "stock")).isEqualTo(11L);
    assertThat(redisField(id, "stock_total")).isNull();
  }

  @Test
  void aStockRequestToAnActivityNotWarmWhoseMySqlWriteFailedIsCompletedByItsRetry() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofDays(1), 4));
    whileStockWritesFail(() -> addStockWithKey(id, 6, "restock-1").expectStatus().is5xxServerError());
    assertThat(column(id, "stock")).isEqualTo(4L);

    addStockWithKey(id, 6, "restock-1").expectStatus().isOk().expectBody().jsonPath("$.stock").isEqualTo(10);
    assertThat(column(id, "stock")).isEqualTo(10L);
  }

  private WebTestClient.ResponseSpec addStockWithKey(long id, int units, String idempotencyKey) {
    return http.post().uri(BASE + id + "/stock").headers(h -> {
          h.setBearerAuth(Tokens.of("MERCHANT", "shop-1"));
          h.set("Idempotency-Key", idempotencyKey);
        })
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("units", units)).exchange();
  }

  @Test
  void refusesNegativeMissingOrZeroStock() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 1));

    for (Object body : List.of(Map.of("units", -5), Map.of("units", 0), Map.of())) {
      refused(shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/stock", body), HttpStatus.BAD_REQUEST,
          "INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("units");
    }
    assertThat(redisField(id, "stock_total")).isEqualTo("1");
  }

  @Test
  void listsTonightsLineUpByStatusAndDate() {
    ZoneId shanghai = ZoneId.of("Asia/Shanghai");
    LocalDate tomorrow = LocalDate.now(shanghai).plusDays(1);
    Instant eightPm = tomorrow.atTime(20, 0).atZone(shanghai).toInstant();
    Map<String, Object> tonight = startingIn(Duration.ofDays(1), 10);
    tonight.put("startsAt", eightPm.toString());
    tonight.put("endsAt", eightPm.plus(Duration.ofHours(2)).toString());
    long eight = shop.schedule("shop-lineup", tonight);
    long running = shop.schedule("shop-lineup", startingIn(Duration.ofSeconds(-1), 10));
    long cancelled = shop.schedule("shop-lineup", startingIn(Duration.ofDays(3), 10));
    shop.merchant("shop-lineup", HttpMethod.POST, BASE + cancelled + "/cancellation", null).expectStatus().isOk();

    listed("?status=SCHEDULED&date=" + tomorrow).containsExactly(eight);
    listed("?status=RUNNING").containsExactly(running);
    listed("?status=cancelled").containsExactly(cancelled);
    listed("?date=" + tomorrow + "&zone=Asia/Shanghai").containsExactly(eight);
    listed("").containsExactlyInAnyOrder(eight, running, cancelled);
    refused(shop.merchant("shop-lineup", HttpMethod.GET, LISTING + "?status=SOON&date=24.11.2026", null),
        HttpStatus.BAD_REQUEST, "INVALID_REQUEST").jsonPath("$.errors.length()").isEqualTo(2);
  }

  @Test
  void anEditWhoseMySqlWriteFailsLeavesRedisAsItWas() {
    db.sql("CREATE TRIGGER refuse_explosive_titles BEFORE UPDATE ON activities FOR EACH ROW"
        + " BEGIN IF NEW.title = 'explode' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated failure';"
        + " END IF; END").then().block(PATIENCE);
    try {
      long id = shop.schedule("shop-1", startingIn(Duration.ofMinutes(5), 10));
      Map<String, Object> edited = startingIn(Duration.ofMinutes(5), 99);
      edited.put("title", "explode");

      shop.merchant("shop-1", HttpMethod.PUT, BASE + id, edited).expectStatus().is5xxServerError();

      assertThat(column(id, "stock")).isEqualTo(10L);
      assertThat(redisField(id, "stock")).isEqualTo("10");
      assertThat(redisField(id, "stock_total")).isEqualTo("10");
    } finally {
      db.sql("DROP TRIGGER refuse_explosive_titles").then().block(PATIENCE);
    }
  }

  @Test
  void anAddedStockWhoseMySqlWriteFailsOnceIsRetriedAndAddedOnce() {
    // The sequence is not transactional, so the trigger fails exactly the first stock update.
    db.sql("CREATE SEQUENCE stock_update_attempts").then().block(PATIENCE);
    db.sql("CREATE TRIGGER fail_first_stock_update BEFORE UPDATE ON activities FOR EACH ROW"
        + " BEGIN IF NEW.stock <> OLD.stock AND NEXTVAL(stock_update_attempts) = 1 THEN"
        + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated failure'; END IF; END").then().block(PATIENCE);
    try {
      long id = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 4));

      shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/stock", Map.of("units", 6)).expectStatus().isOk()
          .expectBody().jsonPath("$.stock").isEqualTo(10).jsonPath("$.remainingStock").isEqualTo(10);

      assertThat(count("SELECT NEXTVAL(stock_update_attempts) AS n")).isEqualTo(3);
      assertThat(column(id, "stock")).isEqualTo(10L);
      assertThat(redisField(id, "stock_total")).isEqualTo("10");
      assertThat(redisField(id, "stock")).isEqualTo("10");
    } finally {
      db.sql("DROP TRIGGER fail_first_stock_update").then().block(PATIENCE);
      db.sql("DROP SEQUENCE stock_update_attempts").then().block(PATIENCE);
    }
  }

  @Test
  void aCancellationRedisTookButMySqlMissedIsCopiedToMySqlByTheWarmer() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 4));
    // As if the instance died between the script and the commit: every MySQL write fails, and the
    // (non-transactional) sequence counts the attempts.
    db.sql("CREATE SEQUENCE cancellation_attempts NOCACHE").then().block(PATIENCE);
    db.sql("CREATE TRIGGER refuse_cancellations BEFORE UPDATE ON activities FOR EACH ROW"
        + " BEGIN IF NEW.cancelled_at IS NOT NULL AND NEXTVAL(cancellation_attempts) > 0 THEN"
        + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated failure'; END IF; END").then().block(PATIENCE);
    try {
      shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/cancellation", null).expectStatus().is5xxServerError();
      assertThat(redisField(id, "state")).isEqualTo("CANCELLED");
      assertThat(column(id, "cancelled_at")).isNull();
      // The activity is over (cancelled, nothing sold), but it must not retire while MySQL misses
      // its cancellation: the warmer keeps trying the copy round after round.
      await().atMost(PATIENCE.multipliedBy(2))
          .until(() -> count("SELECT next_not_cached_value - 1 AS n FROM cancellation_attempts") >= 3);
    } finally {
      db.sql("DROP TRIGGER refuse_cancellations").then().block(PATIENCE);
      db.sql("DROP SEQUENCE cancellation_attempts").then().block(PATIENCE);
    }

    await().atMost(PATIENCE).until(() -> column(id, "cancelled_at") != null);
    shop.merchant("shop-1", HttpMethod.GET, BASE + id, null).expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("CANCELLED");
  }

  @Test
  void stockRedisAddedButMySqlMissedIsCopiedToMySqlByTheWarmer() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 4));

    addStockMySqlMisses(id, 6);

    await().atMost(PATIENCE).until(() -> Long.valueOf(10).equals(column(id, "stock")));
  }

  @Test
  void aStockTotalNoStockChangeExplainsIsNotCopiedToMySql() {
    long id = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 4));
    redis.<String, String>opsForHash().put(keys.of(new ActivityId(id)).activity(), "stock_total", "99").block(PATIENCE);
    long other = shop.schedule("shop-1", startingIn(Duration.ofSeconds(-1), 4));

    // Two repairs of another activity, seen one after the other: rounds never overlap, so the
    // round of the first one has visited every live activity by the time the second one shows.
    addStockMySqlMisses(other, 1);
    await().atMost(PATIENCE).until(() -> Long.valueOf(5).equals(column(other, "stock")));
    addStockMySqlMisses(other, 1);
    await().atMost(PATIENCE).until(() -> Long.valueOf(6).equals(column(other, "stock")));

    assertThat(column(id, "stock")).isEqualTo(4L);
  }

  /** Adds stock while every MySQL stock write fails: Redis takes it, MySQL does not. */
  private void addStockMySqlMisses(long id, int units) {
    whileStockWritesFail(() -> {
      String before = redisField(id, "stock_total");
      shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/stock", Map.of("units", units))
          .expectStatus().is5xxServerError();
      assertThat(redisField(id, "stock_total")).isEqualTo(Integer.toString(Integer.parseInt(before) + units));
      assertThat(column(id, "stock")).isEqualTo(Long.valueOf(before));
    });
  }

  /** Runs {@code action} while every MySQL write that changes an activity's stock fails. */
  private void whileStockWritesFail(Runnable action) {
    db.sql("CREATE TRIGGER refuse_stock_changes BEFORE UPDATE ON activities FOR EACH ROW"
        + " BEGIN IF NEW.stock <> OLD.stock THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated failure';"
        + " END IF; END").then().block(PATIENCE);
    try {
      action.run();
    } finally {
      db.sql("DROP TRIGGER refuse_stock_changes").then().block(PATIENCE);
    }
  }

  private org.assertj.core.api.ListAssert<Long> listed(String query) {
    List<?> body = shop.merchant("shop-lineup", HttpMethod.GET, LISTING + query, null).expectStatus().isOk()
        .expectBody(List.class).returnResult().getResponseBody();
    return assertThat(body.stream().map(a -> ((Number) ((Map<?, ?>) a).get("id")).longValue()).toList());
  }

  private static WebTestClient.BodyContentSpec refused(WebTestClient.ResponseSpec response, HttpStatus status,
      String code) {
    return response.expectStatus().isEqualTo(status)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }

  private String redisField(long id, String field) {
    return redis.<String, String>opsForHash().get(keys.of(new ActivityId(id)).activity(), field).block(PATIENCE);
  }

  /** A column of the activity's row; numbers as longs, NULL as null. */
  private Object column(long id, String column) {
    return db.sql("SELECT " + column + " AS v FROM activities WHERE id = :id").bind("id", id)
        .map(r -> java.util.Optional.ofNullable(r.get("v")))
        .one()
        .block(PATIENCE)
        .map(v -> v instanceof Number n ? (Object) n.longValue() : v)
        .orElse(null);
  }

  private String status(String table, Object id) {
    return db.sql("SELECT status FROM " + table + " WHERE id = :id").bind("id", id)
        .map(r -> r.get("status", String.class)).one().block(PATIENCE);
  }

  private long count(String sql) {
    return db.sql(sql).map(r -> ((Number) r.get("n")).longValue()).one().block(PATIENCE);
  }
}
