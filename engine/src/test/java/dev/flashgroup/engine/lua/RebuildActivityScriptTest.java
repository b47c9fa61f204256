package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** rebuild_activity.lua: BEGIN, the ORDERS, GROUPS and PICKUPS batches, FINISH; one test per branch. */
class RebuildActivityScriptTest extends LuaScriptSupport {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String OWNER = "instance-a";
  private static final String SEQ = "10017";

  @Test
  void beginLeavesAnActivityRedisHoldsAlone() {
    givenWarmActivity();
    assertThat(rebuild("BEGIN", OWNER, NOW, List.of()).block(TIMEOUT)).containsExactly("ALREADY_WARM", "0");
    assertThat(hash(keys.rebuild())).isEmpty();
  }

  @Test
  void beginTakesTheLeaseAndClearsWhatALostActivityLeftBehind() {
    redis.opsForHash().put(keys.quota(), "stale", "3").block(TIMEOUT);
    redis.opsForZSet().add(keys.paymentDeadlines(), "42-1", 1).block(TIMEOUT);
    redis.opsForZSet().add(keys.stagedOpenGroups(), "42-2", 1).block(TIMEOUT);
    redis.opsForHash().put(keys.retirement(), "phase", "RETIRED").block(TIMEOUT);
    redis.opsForZSet().add(keys.pickupDeadlines(), "42-3", 1).block(TIMEOUT);
    redis.opsForZSet().add(keys.pickupReminders(), "42-3:0:WINDOW_START", 1).block(TIMEOUT);
    redis.opsForZSet().add(keys.stagedPickupReminders(), "42-4:0:WINDOW_START", 1).block(TIMEOUT);

    assertThat(rebuild("BEGIN", OWNER, NOW, List.of()).block(TIMEOUT)).containsExactly("BEGUN", "0");

    assertThat(hash(keys.rebuild())).containsEntry("owner", OWNER).containsEntry("held", "0");
    assertThat(redis.getExpire(keys.rebuild()).block(TIMEOUT)).isPositive();
    assertThat(quota()).isEmpty();
    assertThat(paymentDeadlines()).isEmpty();
    assertThat(deadlines(keys.stagedOpenGroups())).isEmpty();
    assertThat(hash(keys.retirement())).isEmpty();
    assertThat(pickupDeadlines()).isEmpty();
    assertThat(pickupReminders()).isEmpty();
    assertThat(deadlines(keys.stagedPickupReminders())).isEmpty();
  }

  @Test
  void beginAnswersBusyWhileAnotherInstanceHoldsTheLease() {
    rebuild("BEGIN", "instance-b", NOW, List.of()).block(TIMEOUT);
    assertThat(rebuild("BEGIN", OWNER, NOW, List.of()).block(TIMEOUT)).containsExactly("BUSY", "0");
    assertThat(hash(keys.rebuild())).containsEntry("owner", "instance-b");
  }

  @Test
  void abandoningGivesTheLeaseUpSoAnotherInstanceBeginsAtOnce() {
    begin();
    assertThat(rebuild("ABANDON", "instance-b", NOW, List.of()).block(TIMEOUT)).containsExactly("LOST", "0");
    assertThat(rebuild("ABANDON", OWNER, NOW, List.of()).block(TIMEOUT)).containsExactly("ABANDONED", "0");

    assertThat(redis.hasKey(keys.rebuild()).block(TIMEOUT)).isFalse();
    assertThat(rebuild("BEGIN", "instance-b", NOW, List.of()).block(TIMEOUT)).containsExactly("BEGUN", "0");
  }

  @Test
  void stepsOfAnInstanceThatLostTheLeaseWriteNothing() {
    rebuild("BEGIN", "instance-b", NOW, List.of()).block(TIMEOUT);
    assertThat(rebuild("ORDERS", OWNER, NOW, List.of(order("42-1", "RESERVED", "alice", "", null))).block(TIMEOUT))
        .containsExactly("LOST", "0");
    assertThat(finish(OWNER, terms(ActivitySpec.standard()))).containsExactly("LOST", "0");
    assertThat(order("42-1")).isEmpty();
    assertThat(activity()).isEmpty();
  }

  @Test
  void ordersThatHoldAUnitTakeItFromTheStockAndTheBuyersQuota() {
    begin();
    List<String> orders = List.of(
        order("42-1", "RESERVED", "alice", "", null),
        order("42-2", "PAID", "bob", "42-9", null),
        order("42-3", "SUCCEEDED", "alice", "", null),
        order("42-4", "EXPIRED", "carol", "", null),
        order("42-5", "REFUNDING", "dave", "", null),
        order("42-6", "REFUNDED", "erin", "", null),
        order("42-7", "PICKED_UP", "gina", "", null),
        order("42-8", "OVERDUE", "hana", "", null));
    assertThat(rebuild("ORDERS", OWNER, NOW, orders).block(TIMEOUT)).containsExactly("WRITTEN", "8");

    assertThat(order("42-2")).containsEntry("status", "PAID").containsEntry("group", "42-9")
        .containsEntry("buyer", "bob").containsEntry("tx", "tx-42-2");
    assertThat(quota()).containsOnly(Map.entry("alice", "2"), Map.entry("bob", "1"), Map.entry("gina", "1"),
        Map.entry("hana", "1"));
    assertThat(hash(keys.rebuild())).containsEntry("held", "5");
    // Staged: no sweeper expires an order before the activity is whole.
    assertThat(paymentDeadlines()).isEmpty();
    assertThat(deadlines(keys.stagedPaymentDeadlines())).containsOnly(Map.entry("42-1", PAY_BY));

    assertThat(finish(OWNER, terms(ActivitySpec.standard()))).containsExactly("REBUILT", "5");
    assertThat(activity()).containsEntry("stock", "5").containsEntry("stock_total", "10").containsEntry("seq", SEQ);
    assertThat(paymentDeadlines()).containsOnly(Map.entry("42-1", PAY_BY));
  }

  @Test
  void aPickupOrderHoldsItsUnitAtItsPoint() {
    begin();
    rebuild("ORDERS", OWNER, NOW, List.of(order("42-1", "RESERVED", "alice", "", "7"),
        order("42-2", "EXPIRED", "bob", "", "7"), order("42-3", "PAID", "carol", "", "8"))).block(TIMEOUT);

    finish(OWNER, terms(ActivitySpec.standard(), new long[] {7, 6}, new long[] {8, 4}));

    assertThat(pointStock(7)).isEqualTo(5);
    assertThat(pointStock(8)).isEqualTo(3);
    assertThat(stock()).isEqualTo(8);
  }

  @Test
  void levelsAlreadyAtTheirSafetyStockComeBackAlertedAndDoNotAlertAgain() {
    begin();
    rebuild("ORDERS", OWNER, NOW, List.of(order("42-1", "RESERVED", "alice", "", "7"),
        order("42-3", "PAID", "carol", "", "8"))).block(TIMEOUT);
    List<String> terms = new ArrayList<>(terms(ActivitySpec.standard(), new long[] {7, 6}, new long[] {8, 4}));
    terms.addAll(List.of("safety_stock", "8", "safety_stock:7", "5", "safety_stock:8", "2"));

    finish(OWNER, terms);

    // 8 left of safety 8 and 5 at point 7 of safety 5: alerted; 3 at point 8 of safety 2: not yet.
    assertThat(activity()).containsEntry("alerted", "1").containsEntry("alerted:7", "1")
        .doesNotContainKey("alerted:8");
    assertThat(reserve(Kind.SOLO, "bob", NOW, "", null, "7").block(TIMEOUT).outcome()).isEqualTo("OK");
    assertThat(redis.opsForStream().range(keys.events(), org.springframework.data.domain.Range.unbounded())
        .filter(e -> "StockLow".equals(e.getValue().get("type"))).count().block(TIMEOUT)).isZero();
  }

  @Test
  void groupsComeBackWithTheirMembersDeadlinesAndFreeSlots() {
    begin();
    List<String> groups = List.of(
        group("42-1", "OPEN", 3, 1, GROUP_DEADLINE, Map.of("alice", "42-2")),
        group("42-3", "OPEN", 3, 3, GROUP_DEADLINE, Map.of("bob", "42-4", "carol", "42-5", "dave", "42-6")),
        group("42-7", "OPEN", 3, 1, NOW - 1, Map.of("erin", "42-8")),
        group("42-9", "FAILED", 3, 1, NOW - 1, Map.of("fay", "42-10")));
    assertThat(rebuild("GROUPS", OWNER, NOW, groups).block(TIMEOUT)).containsExactly("WRITTEN", "4");

    assertThat(group("42-1")).containsEntry("status", "OPEN").containsEntry("members", "1").containsEntry("leader", "alice");
    assertThat(groupMembers("42-3")).containsOnly(Map.entry("bob", "42-4"), Map.entry("carol", "42-5"),
        Map.entry("dave", "42-6"));
    assertThat(openGroups()).isEmpty();

    finish(OWNER, terms(ActivitySpec.standard()));

    // Open and due: the sweeper settles them. Joinable: open, before the deadline, a free slot.
    assertThat(groupDeadlines()).containsOnly(Map.entry("42-1", GROUP_DEADLINE), Map.entry("42-3", GROUP_DEADLINE),
        Map.entry("42-7", NOW - 1));
    assertThat(openGroups()).containsOnly(Map.entry("42-1", 2L));
  }

  @Test
  void aCollectableOrderGetsItsWindowsEndAndRemindersStagedUntilFinish() {
    begin();
    rebuild("ORDERS", OWNER, NOW, List.of(collectable("42-1", "SUCCEEDED", WINDOW_FROM, WINDOW_TO, 0))).block(TIMEOUT);

    assertThat(rebuild("PICKUPS", OWNER, NOW, List.of(pickup("42-1", true))).block(TIMEOUT))
        .containsExactly("WRITTEN", "1");

    // Staged: neither the roll-over nor a reminder acts before the activity is whole.
    assertThat(pickupDeadlines()).isEmpty();
    assertThat(pickupReminders()).isEmpty();
    assertThat(deadlines(keys.stagedPickupDeadlines())).containsOnly(Map.entry("42-1", WINDOW_TO));
    finish(OWNER, terms(ActivitySpec.standard()));
    assertThat(pickupDeadlines()).containsOnly(Map.entry("42-1", WINDOW_TO));
    assertThat(pickupReminders()).containsOnly(Map.entry("42-1:0:WINDOW_START", WINDOW_FROM),
        Map.entry("42-1:0:WINDOW_ENDING", WINDOW_TO - HOUR_MS));
  }

  @Test
  void aReminderAlreadyDeliveredIsNotQueuedAgainAndTheRolledOverWindowCounts() {
    begin();
    long from = WINDOW_FROM + DAY_MS;
    long to = WINDOW_TO + DAY_MS;
    rebuild("ORDERS", OWNER, NOW, List.of(collectable("42-1", "SUCCEEDED", from, to, 1))).block(TIMEOUT);

    rebuild("PICKUPS", OWNER, from + 1, List.of(pickup("42-1", true, "WINDOW_START"))).block(TIMEOUT);
    finish(OWNER, terms(ActivitySpec.standard()));

    // The start reminder went out before the loss; the ending one, not yet due, is queued.
    assertThat(pickupDeadlines()).containsOnly(Map.entry("42-1", to));
    assertThat(pickupReminders()).containsOnly(Map.entry("42-1:1:WINDOW_ENDING", to - HOUR_MS));
  }

  @Test
  void aReminderDueButNeverDeliveredIsQueuedWhileItsWindowIsOpen() {
    begin();
    rebuild("ORDERS", OWNER, NOW, List.of(collectable("42-1", "SUCCEEDED", WINDOW_FROM, WINDOW_TO, 0))).block(TIMEOUT);

    rebuild("PICKUPS", OWNER, WINDOW_FROM + HOUR_MS / 2, List.of(pickup("42-1", false))).block(TIMEOUT);
    finish(OWNER, terms(ActivitySpec.standard()));

    assertThat(pickupReminders()).containsOnly(Map.entry("42-1:0:WINDOW_START", WINDOW_FROM));
  }

  @Test
  void aWindowThatEndedGetsItsRollOverButNoReminders() {
    begin();
    rebuild("ORDERS", OWNER, NOW, List.of(collectable("42-1", "SUCCEEDED", WINDOW_FROM, WINDOW_TO, 0))).block(TIMEOUT);

    rebuild("PICKUPS", OWNER, WINDOW_TO, List.of(pickup("42-1", true))).block(TIMEOUT);
    finish(OWNER, terms(ActivitySpec.standard()));

    assertThat(pickupDeadlines()).containsOnly(Map.entry("42-1", WINDOW_TO));
    assertThat(pickupReminders()).isEmpty();
  }

  @Test
  void anOrderNoLongerCollectableGetsNoPickupTimers() {
    begin();
    rebuild("ORDERS", OWNER, NOW, List.of(collectable("42-1", "PICKED_UP", WINDOW_FROM, WINDOW_TO, 0),
        collectable("42-2", "OVERDUE", WINDOW_FROM, WINDOW_TO, 1), order("42-3", "SUCCEEDED", "carol", "", "7")))
        .block(TIMEOUT);

    assertThat(rebuild("PICKUPS", OWNER, NOW, List.of(pickup("42-1", true), pickup("42-2", true), pickup("42-3", true)))
        .block(TIMEOUT)).containsExactly("WRITTEN", "3");
    finish(OWNER, terms(ActivitySpec.standard()));

    assertThat(pickupDeadlines()).isEmpty();
    assertThat(pickupReminders()).isEmpty();
    assertThat(quota()).containsOnly(Map.entry("buyer-42-1", "1"), Map.entry("buyer-42-2", "1"),
        Map.entry("carol", "1"));
  }

  @Test
  void finishMakesTheActivityLiveAndReservationsResumeAfterTheSequence() {
    begin();
    assertThat(reserve(Kind.SOLO, "alice", NOW, "", null).block(TIMEOUT)).isEqualTo(Reply.refused("NOT_FOUND"));

    finish(OWNER, terms(ActivitySpec.standard()));

    assertThat(hash(keys.rebuild())).isEmpty();
    Reply reply = boughtAlone("alice");
    assertThat(reply.orderId()).isEqualTo("42-" + (Long.parseLong(SEQ) + 1));
    // The relay's consumer group exists on the new stream.
    assertThat(redis.opsForStream().groups(keys.events()).collectList().block(TIMEOUT))
        .extracting(g -> g.groupName()).containsExactly(RELAY_GROUP);
  }

  @Test
  void aCancelledActivityComesBackCancelledWithItsDeadlinesDueAtTheCancellation() {
    begin();
    long cancelledAt = NOW - 1_000;
    rebuild("ORDERS", OWNER, NOW, List.of(order("42-1", "RESERVED", "alice", "42-2", null))).block(TIMEOUT);
    rebuild("GROUPS", OWNER, NOW, List.of(group("42-2", "OPEN", 3, 1, GROUP_DEADLINE, Map.of("alice", "42-1"))))
        .block(TIMEOUT);
    List<String> terms = new ArrayList<>(terms(ActivitySpec.standard()));
    terms.addAll(List.of("state", "CANCELLED", "cancelled_at", Long.toString(cancelledAt)));

    finish(OWNER, terms);

    assertThat(activity()).containsEntry("state", "CANCELLED");
    assertThat(paymentDeadlines()).containsOnly(Map.entry("42-1", cancelledAt));
    assertThat(groupDeadlines()).containsOnly(Map.entry("42-2", cancelledAt));
    assertThat(reserve(Kind.SOLO, "bob", NOW, "", null).block(TIMEOUT)).isEqualTo(Reply.refused("ACTIVITY_CANCELLED"));
  }

  @Test
  void finishNeverPutsTheStockBelowZero() {
    begin();
    List<String> orders = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      orders.add(order("42-" + i, "SUCCEEDED", "buyer-" + i, "", null));
    }
    rebuild("ORDERS", OWNER, NOW, orders).block(TIMEOUT);

    assertThat(finish(OWNER, terms(ActivitySpec.standard().withStock(2)))).containsExactly("REBUILT", "0");
    assertThat(reserve(Kind.SOLO, "zoe", NOW, "", null).block(TIMEOUT)).isEqualTo(Reply.refused("SOLD_OUT"));
  }

  @Test
  void finishLeavesAnActivityThatIsAlreadyWarmAlone() {
    begin();
    givenWarmActivity();
    assertThat(finish(OWNER, terms(ActivitySpec.standard().withStock(3)))).containsExactly("ALREADY_WARM", "0");
    assertThat(stock()).isEqualTo(10);
  }

  private void begin() {
    assertThat(rebuild("BEGIN", OWNER, NOW, List.of()).block(TIMEOUT)).containsExactly("BEGUN", "0");
  }

  private List<String> finish(String owner, List<String> terms) {
    List<String> payload = new ArrayList<>(List.of(RELAY_GROUP, SEQ));
    payload.addAll(terms);
    return rebuild("FINISH", owner, NOW, payload).block(TIMEOUT);
  }

  private static String order(String id, String status, String buyer, String group, String point) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("status", status);
    f.put("buyer", buyer);
    f.put("group", group);
    f.put("amount", Long.toString(SOLO_PRICE));
    f.put("pay_by", Long.toString(PAY_BY));
    f.put("created_at", Long.toString(NOW));
    f.put("version", "2");
    if (point != null) {
      f.put("point", point);
    }
    if (!status.equals("RESERVED") && !status.equals("EXPIRED")) {
      f.put("tx", "tx-" + id);
      f.put("paid_amount", Long.toString(SOLO_PRICE));
    }
    return JSON.writeValueAsString(Map.of("id", id, "fields", f, "members", Map.of()));
  }

  /** An order at point 7 with its pickup window, as RebuildSource reads it from MySQL. */
  private static String collectable(String id, String status, long from, long to, int rollovers) {
    Map<String, Object> order = JSON.readValue(order(id, status, "buyer-" + id, "", "7"), Map.class);
    @SuppressWarnings("unchecked")
    Map<String, String> f = (Map<String, String>) order.get("fields");
    f.put("pickup_from", Long.toString(from));
    f.put("pickup_to", Long.toString(to));
    f.put("rollovers", Integer.toString(rollovers));
    return JSON.writeValueAsString(order);
  }

  private static String pickup(String id, boolean perishable, String... delivered) {
    return JSON.writeValueAsString(Map.of("id", id, "perishable", perishable, "delivered", List.of(delivered)));
  }

  private static String group(String id, String status, int size, int members, long deadline,
      Map<String, String> memberOrders) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("status", status);
    f.put("size", Integer.toString(size));
    f.put("members", Integer.toString(members));
    f.put("paid", "0");
    f.put("deadline", Long.toString(deadline));
    f.put("leader", memberOrders.keySet().iterator().next());
    f.put("version", Integer.toString(members));
    return JSON.writeValueAsString(Map.of("id", id, "fields", f, "members", memberOrders));
  }
}
