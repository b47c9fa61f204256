package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Tiered groups, virtual success and the joinable list over HTTP, down to MySQL and the sandbox gateway. */
@IsolatedServices
@ApiTest
class GroupModesTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  Shop shop;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
  }

  @Test
  void tieredGroupOfThreeSucceedsAtLowerTierAndRefundsEachDifferenceOnceEvenWhenRedelivered() {
    long activity = shop.schedule("shop-1", Shop.tiered(Duration.ofMinutes(10), new long[] {2, 3000},
        new long[] {3, 2500}));
    List<Map<?, ?>> members = threeJoinAndPay(activity);

    assertSucceededAt2500WithDifferenceRefunded(members);
    redeliverSettlementEvents(activity, members);
    assertSucceededAt2500WithDifferenceRefunded(members);
  }

  @Test
  void tieredGroupSettlesAtItsDeadlineAtTheTierReached() {
    long activity = shop.schedule("shop-1", Shop.tiered(Duration.ofMinutes(10), new long[] {2, 3000},
        new long[] {3, 2500}, new long[] {5, 2000}));
    List<Map<?, ?>> members = threeJoinAndPay(activity);
    shop.get("buyer-0", "/api/v1/groups/" + members.get(0).get("groupId")).jsonPath("$.status").isEqualTo("OPEN");
    deadlinePasses(members.get(0).get("groupId"));

    assertSucceededAt2500WithDifferenceRefunded(members);
    shop.get("buyer-0", "/api/v1/groups/" + members.get(0).get("groupId"))
        .jsonPath("$.price").isEqualTo(2500)
        .jsonPath("$.virtualMembers").isEqualTo(0);
  }

  @Test
  void tieredGroupBelowSmallestTierFailsAndRefundsInFull() {
    long activity = shop.schedule("shop-1", Shop.tiered(Duration.ofMinutes(10), new long[] {2, 3000},
        new long[] {3, 2500}));
    Map<?, ?> leader = shop.open("alice", activity);
    assertThat(leader.get("amount")).isEqualTo(3000);
    shop.pay("alice", leader.get("orderId"));
    deadlinePasses(leader.get("groupId"));

    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(orderColumn(leader.get("orderId"), "status")));
    assertThat(count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no = 'RF" + leader.get("orderId")
        + "' AND amount = 3000 AND status = 'CONFIRMED'")).isEqualTo(1);
    shop.get("alice", "/api/v1/orders/" + leader.get("orderId"))
        .jsonPath("$.paidAmount").isEqualTo(3000)
        .jsonPath("$.finalAmount").isEqualTo(0)
        .jsonPath("$.refundedAmount").isEqualTo(3000);
  }

  @Test
  void groupOneMemberShortSucceedsWithVirtualSuccessAndTakesNoStockForTheMissingPlace() {
    Map<String, Object> draft = Shop.activity(3, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5));
    draft.put("virtualSuccessMissing", 1);
    long activity = shop.schedule("shop-1", draft);
    Map<?, ?> leader = shop.open("alice", activity);
    Map<?, ?> member = bobJoinsAndBothPay(leader);

    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(orderColumn(member.get("orderId"), "status")));
    shop.get("carol", "/api/v1/groups/" + leader.get("groupId"))
        .jsonPath("$.status").isEqualTo("SUCCEEDED")
        .jsonPath("$.size").isEqualTo(3)
        .jsonPath("$.members.length()").isEqualTo(2)
        .jsonPath("$.virtualMembers").isEqualTo(1);
    shop.get("carol", "/api/v1/activities/" + activity).jsonPath("$.remainingStock").isEqualTo(8);
    await().atMost(PATIENCE).until(() -> Optional.of(1L).equals(db.sql(
            "SELECT virtual_members FROM purchase_groups WHERE id = :id").bind("id", leader.get("groupId"))
        .map(r -> Optional.ofNullable(r.get("virtual_members", Long.class))).one().block(PATIENCE)));
  }

  @Test
  void groupOneMemberShortFailsWithoutVirtualSuccess() {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Map<?, ?> member = bobJoinsAndBothPay(shop.open("alice", activity));
    Object groupId = member.get("groupId");

    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(orderColumn(member.get("orderId"), "status")));
    shop.get("carol", "/api/v1/groups/" + groupId).jsonPath("$.status").isEqualTo("FAILED");
  }

  @Test
  void joinableListShowsOpenGroupsFewestFreeSlotsFirst() {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Map<?, ?> emptier = shop.open("alice", activity);
    Map<?, ?> fuller = shop.open("bob", activity);
    shop.join("carol", fuller.get("groupId"));
    Map<?, ?> full = shop.open("dan", activity);
    shop.join("erin", full.get("groupId"));
    shop.join("frank", full.get("groupId"));

    shop.get("gina", "/api/v1/activities/" + activity + "/groups?joinable=true")
        .jsonPath("$.groups.length()").isEqualTo(2)
        .jsonPath("$.groups[0].id").isEqualTo(fuller.get("groupId"))
        .jsonPath("$.groups[0].freeSlots").isEqualTo(1)
        .jsonPath("$.groups[1].id").isEqualTo(emptier.get("groupId"))
        .jsonPath("$.groups[1].freeSlots").isEqualTo(2);
    shop.get("gina", "/api/v1/activities/" + activity + "/groups?joinable=true&limit=1")
        .jsonPath("$.groups.length()").isEqualTo(1);
  }

  @Test
  void joinableListLooksPastEntriesOfGroupsThatTakeNoMemberAnyMore() {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Map<?, ?> open = shop.open("alice", activity);
    String openGroups = keys.of(new ActivityId(activity)).openGroups();
    for (int i = 0; i < 5; i++) {
      redis.opsForZSet().add(openGroups, activity + "-gone-" + i, 1).block(PATIENCE);
    }

    shop.get("gina", "/api/v1/activities/" + activity + "/groups?joinable=true&limit=2")
        .jsonPath("$.groups.length()").isEqualTo(1)
        .jsonPath("$.groups[0].id").isEqualTo(open.get("groupId"));
  }

  @Test
  void matchOnStandardActivityJoinsTheFullestGroupAndNeverOpensASecondForTheSameBuyer() {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 2, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Map<?, ?> emptier = shop.open("alice", activity);
    Map<?, ?> fuller = shop.open("bob", activity);
    shop.join("carol", fuller.get("groupId"));

    assertThat(shop.match("dan", activity).get("groupId")).isEqualTo(fuller.get("groupId"));
    assertThat(shop.match("erin", activity).get("groupId")).isEqualTo(emptier.get("groupId"));
    shop.refused("erin", "/api/v1/activities/" + activity + "/groups/match", HttpStatus.CONFLICT, "ALREADY_IN_GROUP");
  }

  @Test
  void tiersThatAreNotAListOfSizeAndPriceAreAMalformedRequest() {
    Map<String, Object> draft = Shop.tiered(Duration.ofMinutes(10), new long[] {2, 3000});
    for (Object tiers : List.of("2:3000", List.of(Map.of("size", "two", "price", 3000)))) {
      draft.put("tiers", tiers);
      http.post().uri("/api/v1/merchant/activities").headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1")))
          .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(draft)
          .exchange().expectStatus().isBadRequest()
          .expectHeader().contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.code").isEqualTo("MALFORMED_REQUEST");
    }
  }

  @Test
  void badTiersAreRefusedWithEveryViolation() {
    Map<String, Object> draft = Shop.tiered(Duration.ofMinutes(10), new long[] {3, 3000}, new long[] {2, 3100});
    draft.put("groupSize", 3);

    refusedWithViolations(draft, "groupSize", "tiers[1].size", "tiers[1].price");
  }

  @Test
  void tierLeftEmptyIsReportedAsAViolation() {
    Map<String, Object> draft = Shop.tiered(Duration.ofMinutes(10), new long[] {3, 2500});
    draft.put("tiers", Arrays.asList(null, Map.of("size", 3, "price", 2500)));
    draft.put("virtualSuccessMissing", 1);

    refusedWithViolations(draft, "tiers[0].size", "tiers[0].price");
  }

  private void refusedWithViolations(Map<String, Object> draft, String... fields) {
    http.post().uri("/api/v1/merchant/activities").headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1")))
        .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(draft)
        .exchange().expectStatus().isBadRequest().expectBody()
        .jsonPath("$.code").isEqualTo("INVALID_REQUEST")
        .jsonPath("$.errors[*].field").value(found -> assertThat(((List<?>) found).stream().map(String::valueOf))
            .containsExactlyInAnyOrder(fields));
  }

  @Test
  void merchantAndBuyersSeeTheTiers() {
    long activity = shop.schedule("shop-1", Shop.tiered(Duration.ofMinutes(10), new long[] {2, 3000},
        new long[] {3, 2500}));

    shop.get("alice", "/api/v1/activities/" + activity)
        .jsonPath("$.mode").isEqualTo("TIERED")
        .jsonPath("$.groupSize").isEqualTo(3)
        .jsonPath("$.groupPrice").isEqualTo(3000)
        .jsonPath("$.tiers[1].size").isEqualTo(3)
        .jsonPath("$.tiers[1].price").isEqualTo(2500)
        .jsonPath("$.virtualSuccessMissing").isEqualTo(0);
  }

  @Test
  void joinableListIsTheOnlyListServed() {
    http.get().uri("/api/v1/activities/1/groups").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice")))
        .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST");
    http.get().uri("/api/v1/activities/1/groups?joinable=true&limit=0")
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice")))
        .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST");
  }

  @Test
  void flashActivityMatchesBuyersAndRefusesGroupsOpenedByHand() {
    Map<String, Object> draft = Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5));
    draft.put("mode", "FLASH");
    long activity = shop.schedule("shop-1", draft);

    shop.refused("alice", "/api/v1/activities/" + activity + "/groups", HttpStatus.CONFLICT, "MATCH_ONLY");
    Map<?, ?> first = shop.match("alice", activity);
    Map<?, ?> second = shop.match("bob", activity);
    Map<?, ?> third = shop.match("carol", activity);

    assertThat(second.get("groupId")).isEqualTo(first.get("groupId"));
    assertThat(third.get("groupId")).isNotEqualTo(first.get("groupId"));
    assertThat(first.get("amount")).isEqualTo(2990);
  }

  @Test
  void matchIsForCustomersOnly() {
    http.post().uri("/api/v1/activities/1/groups/match").headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1")))
        .exchange().expectStatus().isForbidden();
  }

  /** Bob joins Alice's group; both pay; then the group's deadline passes. Returns Bob's reservation. */
  private Map<?, ?> bobJoinsAndBothPay(Map<?, ?> leader) {
    Map<?, ?> member = shop.join("bob", leader.get("groupId"));
    shop.pay("alice", leader.get("orderId"));
    shop.pay("bob", member.get("orderId"));
    deadlinePasses(leader.get("groupId"));
    return member;
  }

  /**
   * Brings a group's deadline to now, as the clock would: a long group TTL keeps the test from
   * racing the sweeper while buyers join and pay, however slow the machine.
   */
  private void deadlinePasses(Object groupId) {
    var k = keys.of(ActivityId.owning((String) groupId).orElseThrow());
    String now = Long.toString(System.currentTimeMillis());
    redis.opsForHash().put(k.group((String) groupId), "deadline", now).block(PATIENCE);
    redis.opsForZSet().add(k.groupDeadlines(), (String) groupId, Double.parseDouble(now)).block(PATIENCE);
  }

  private List<Map<?, ?>> threeJoinAndPay(long activity) {
    Map<?, ?> leader = shop.open("buyer-0", activity);
    List<Map<?, ?>> members = List.of(leader, shop.join("buyer-1", leader.get("groupId")),
        shop.join("buyer-2", leader.get("groupId")));
    for (int i = 0; i < members.size(); i++) {
      assertThat(members.get(i).get("amount")).isEqualTo(3000);
      shop.pay("buyer-" + i, members.get(i).get("orderId"));
    }
    return members;
  }

  private void assertSucceededAt2500WithDifferenceRefunded(List<Map<?, ?>> members) {
    for (int i = 0; i < members.size(); i++) {
      Object orderId = members.get(i).get("orderId");
      await().atMost(PATIENCE).until(() -> Optional.of(500L).equals(orderAmount(orderId, "refunded_amount")));
      assertThat(orderColumn(orderId, "status")).isEqualTo("SUCCEEDED");
      assertThat(orderAmount(orderId, "paid_amount")).contains(3000L);
      assertThat(orderAmount(orderId, "final_amount")).contains(2500L);
      assertThat(count("SELECT COUNT(*) AS n FROM refunds WHERE order_id = '" + orderId + "'")).isEqualTo(1);
      assertThat(count("SELECT COUNT(*) AS n FROM refunds WHERE refund_no = 'RD" + orderId
          + "' AND amount = 500 AND status = 'CONFIRMED'")).isEqualTo(1);
      assertThat(redis.opsForHash().get(keys.sandboxRefunds(), "RD" + orderId).block(PATIENCE)).isEqualTo("500");
      shop.get("buyer-" + i, "/api/v1/orders/" + orderId)
          .jsonPath("$.status").isEqualTo("SUCCEEDED")
          .jsonPath("$.paidAmount").isEqualTo(3000)
          .jsonPath("$.finalAmount").isEqualTo(2500)
          .jsonPath("$.refundedAmount").isEqualTo(500);
    }
    shop.get("buyer-0", "/api/v1/groups/" + members.get(0).get("groupId"))
        .jsonPath("$.status").isEqualTo("SUCCEEDED")
        .jsonPath("$.price").isEqualTo(2500);
  }

  /**
   * Delivers the settlement's GroupSucceeded and RefundRequested a second time, through the stream,
   * the relay, the broker and both workers. The relay deletes entries it has handed over, so the
   * two events are rebuilt as the settlement wrote them (orders at the version the settlement gave
   * them, the group as it settled: the workers read events strictly and would dead-letter less). A probe refund rides at the end of the repeated request: the refund worker handles a
   * request's refunds in order, so once the sandbox has the probe it has been asked again for every
   * tier difference.
   */
  private void redeliverSettlementEvents(long activity, List<Map<?, ?>> members) {
    ObjectNode succeeded = JSON.createObjectNode().put("at", System.currentTimeMillis());
    ObjectNode requested = JSON.createObjectNode().put("at", System.currentTimeMillis());
    ArrayNode orders = succeeded.putArray("orders");
    ArrayNode refunds = requested.putArray("refunds");
    for (int i = 0; i < members.size(); i++) {
      String orderId = (String) members.get(i).get("orderId");
      orders.addObject().put("id", orderId).put("activityId", activity)
          .put("groupId", (String) members.get(i).get("groupId")).put("buyerId", "buyer-" + i)
          .put("status", "SUCCEEDED").put("amount", 3000).put("payBy", System.currentTimeMillis())
          .put("version", orderAmount(orderId, "version").orElseThrow() - 1).put("paidAmount", 3000)
          .put("finalAmount", 2500);
      refunds.addObject().put("refundNo", "RD" + orderId).put("orderId", orderId).put("amount", 500)
          .put("reason", "TIER_PRICE").put("total", 3000);
    }
    String groupId = (String) members.get(0).get("groupId");
    Map<Object, Object> group = redis.opsForHash().entries(keys.of(new ActivityId(activity)).group(groupId))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
    ObjectNode settled = succeeded.putObject("group").put("id", groupId).put("activityId", activity)
        .put("status", (String) group.get("status")).put("leader", (String) group.get("leader"));
    for (String number : List.of("size", "members", "paid", "deadline", "version", "price")) {
      settled.put(number, Long.parseLong((String) group.get(number)));
    }
    settled.put("virtualMembers", Long.parseLong((String) group.get("virtual")));
    String probe = "PROBE-" + activity;
    refunds.addObject().put("refundNo", probe).put("orderId", activity + "-999999").put("amount", 1)
        .put("reason", "PROBE").put("total", 1);
    String stream = keys.of(new ActivityId(activity)).events();
    for (Map.Entry<String, ObjectNode> event : List.of(Map.entry("GroupSucceeded", succeeded),
        Map.entry("RefundRequested", requested))) {
      redis.opsForStream().add(StreamRecords.string(Map.of("type", event.getKey(),
          "data", JSON.writeValueAsString(event.getValue()))).withStreamKey(stream)).block(PATIENCE);
    }
    await().atMost(PATIENCE).until(() -> redis.opsForHash().hasKey(keys.sandboxRefunds(), probe).block(PATIENCE));
  }

  private String orderColumn(Object id, String column) {
    return db.sql("SELECT " + column + " FROM orders WHERE id = :id").bind("id", id)
        .map(r -> r.get(column, String.class)).one().block(PATIENCE);
  }

  private Optional<Long> orderAmount(Object id, String column) {
    return db.sql("SELECT " + column + " FROM orders WHERE id = :id").bind("id", id)
        .map(r -> Optional.ofNullable(r.get(column, Long.class))).one().defaultIfEmpty(Optional.empty())
        .block(PATIENCE);
  }

  private long count(String sql) {
    return db.sql(sql).map(r -> r.get("n", Long.class)).one().block(PATIENCE);
  }
}
