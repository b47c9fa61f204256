package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/**
 * settle_groups.lua: settles the groups still open at their deadline. A group fails (and every
 * unit goes back on sale) unless its paid members reached a tier or, with virtual success, came
 * close enough to the smallest one.
 */
class SettleGroupsScriptTest extends LuaScriptSupport {

  /** Joins late enough that the payment deadline is still ahead when the group's deadline passes. */
  private static final long LATE_JOIN = GROUP_DEADLINE - 60_000;

  /** Tiers 2 → 3000, 3 → 2500, 4 → 2000: a group takes up to 4 and each pays 3000 up front. */
  private static final ActivitySpec THREE_TIERS = new ActivitySpec(10, 1, 4, "TIERED", "2:3000,3:2500,4:2000", 0);

  @Test
  void failsNothingBeforeGroupDeadline() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");

    StepVerifier.create(settleGroups(GROUP_DEADLINE - 1, 10))
        .expectNext(0L)
        .verifyComplete();

    assertThat(group(leader.groupId())).containsEntry("status", "OPEN");
    assertThat(groupDeadlines()).containsOnlyKeys(leader.groupId());
  }

  @Test
  void failsOpenGroupPastDeadline() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    paid(leader);
    Reply member = reserve(Kind.JOIN, "buyer-2", LATE_JOIN, leader.groupId(), null).block(TIMEOUT);

    StepVerifier.create(settleGroups(GROUP_DEADLINE, 10))
        .expectNext(1L)
        .verifyComplete();

    assertThat(group(leader.groupId()))
        .containsEntry("status", "FAILED")
        .containsEntry("settled_at", Long.toString(GROUP_DEADLINE))
        .containsEntry("version", "4");
    assertThat(groupDeadlines()).isEmpty();
    assertThat(order(leader.orderId()))
        .containsEntry("status", "REFUNDING")
        .containsEntry("refund_no", "RF" + leader.orderId())
        .containsEntry("version", "3");
    assertThat(order(member.orderId()))
        .containsEntry("status", "EXPIRED")
        .containsEntry("version", "2")
        .doesNotContainKey("refund_no");
    assertThat(paymentDeadlines()).isEmpty();
    assertThat(stock()).isEqualTo(10);
    assertThat(quota()).isEmpty();
  }

  @Test
  void recordsGroupFailedAndRefundRequested() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    paid(leader);
    Reply member = reserve(Kind.JOIN, "buyer-2", LATE_JOIN, leader.groupId(), null).block(TIMEOUT);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    List<Event> events = events();
    assertThat(eventTypes()).endsWith("GroupFailed", "RefundRequested");
    Event failed = events.get(events.size() - 2);
    assertThat(failed.data().get("at").asLong()).isEqualTo(GROUP_DEADLINE);
    assertThat(orderIds(failed)).containsExactlyInAnyOrder(leader.orderId(), member.orderId());
    assertThat(failed.data().get("orders").valueStream()
            .map(o -> o.get("id").asString() + "=" + o.get("status").asString()))
        .containsExactlyInAnyOrder(leader.orderId() + "=REFUNDING", member.orderId() + "=EXPIRED");
    JsonNode group = failed.data().get("group");
    assertThat(group.get("id").asString()).isEqualTo(leader.groupId());
    assertThat(group.get("status").asString()).isEqualTo("FAILED");
    assertThat(group.get("version").asLong()).isEqualTo(4);

    JsonNode refunds = events.get(events.size() - 1).data().get("refunds");
    assertThat(refunds.size()).isEqualTo(1);
    assertThat(refunds.get(0).get("refundNo").asString()).isEqualTo("RF" + leader.orderId());
    assertThat(refunds.get(0).get("orderId").asString()).isEqualTo(leader.orderId());
    assertThat(refunds.get(0).get("amount").asLong()).isEqualTo(GROUP_PRICE);
    assertThat(refunds.get(0).get("reason").asString()).isEqualTo("GROUP_FAILED");
    assertThat(refunds.get(0).get("total").asLong()).isEqualTo(GROUP_PRICE);
  }

  @Test
  void requestsNoRefundWhenNoMemberPaid() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    reserve(Kind.JOIN, "buyer-2", LATE_JOIN, leader.groupId(), null).block(TIMEOUT);
    // The leader's payment deadline passed long ago, but no sweeper has taken it yet.

    StepVerifier.create(settleGroups(GROUP_DEADLINE, 10))
        .expectNext(1L)
        .verifyComplete();

    assertThat(eventTypes()).endsWith("GroupFailed").doesNotContain("RefundRequested");
    assertThat(lastEvent().data().get("orders").size()).isEqualTo(2);
    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void onlyDropsDueEntryOfGroupThatAlreadySucceeded() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    Reply member = joined(leader.groupId(), "buyer-2");
    paid(leader);
    paid(member);
    // Success removes the deadline; put it back, as a stale entry would be left.
    redis.opsForZSet().add(keys.groupDeadlines(), leader.groupId(), GROUP_DEADLINE).block(TIMEOUT);
    List<String> before = eventTypes();

    StepVerifier.create(settleGroups(GROUP_DEADLINE, 10))
        .expectNext(0L)
        .verifyComplete();

    assertThat(groupDeadlines()).isEmpty();
    assertThat(group(leader.groupId())).containsEntry("status", "SUCCEEDED");
    assertThat(order(leader.orderId())).containsEntry("status", "SUCCEEDED");
    assertThat(stock()).isEqualTo(8);
    assertThat(eventTypes()).isEqualTo(before);
  }

  @Test
  void failsEmptyGroupWithoutOrdersField() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    expireReservations(PAY_BY, 10).block(TIMEOUT);

    StepVerifier.create(settleGroups(GROUP_DEADLINE, 10))
        .expectNext(1L)
        .verifyComplete();

    assertThat(group(leader.groupId())).containsEntry("status", "FAILED").containsEntry("members", "0");
    assertThat(stock()).isEqualTo(10);
    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("GroupFailed");
    assertThat(event.data().has("orders")).isFalse();
    assertThat(event.data().get("group").get("status").asString()).isEqualTo("FAILED");
    assertThat(eventTypes()).doesNotContain("RefundRequested");
  }

  @Test
  void takesAtMostBatchGroups() {
    givenWarmActivity();
    opened("buyer-1");
    opened("buyer-2");
    opened("buyer-3");

    StepVerifier.create(settleGroups(GROUP_DEADLINE, 2))
        .expectNext(2L)
        .verifyComplete();

    assertThat(groupDeadlines()).hasSize(1);

    StepVerifier.create(settleGroups(GROUP_DEADLINE, 2))
        .expectNext(1L)
        .verifyComplete();
  }

  @Test
  void announcesTheRestockOnceWhenAFailedGroupGivesUnitsBack() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    paid(leader);
    joined(leader.groupId(), "buyer-2");

    assertThat(restocksDuring(settleGroups(GROUP_DEADLINE, 10))).containsExactly("42");
  }

  @Test
  void announcesNothingWhenAFailedGroupHadNoUnitsLeft() {
    givenWarmActivity();
    opened("buyer-1");
    expireReservations(PAY_BY, 10).block(TIMEOUT);

    assertThat(restocksDuring(settleGroups(GROUP_DEADLINE, 10))).isEmpty();
  }

  @Test
  void tieredGroupSucceedsAtPriceOfHighestTierReached() {
    givenWarmActivity(THREE_TIERS);
    List<Reply> members = paidGroupOf(3);

    StepVerifier.create(settleGroups(GROUP_DEADLINE, 10))
        .expectNext(1L)
        .verifyComplete();

    String groupId = members.get(0).groupId();
    assertThat(group(groupId)).containsEntry("status", "SUCCEEDED").containsEntry("price", "2500")
        .containsEntry("virtual", "0").containsEntry("settled_at", Long.toString(GROUP_DEADLINE));
    for (Reply member : members) {
      assertThat(order(member.orderId())).containsEntry("status", "SUCCEEDED").containsEntry("paid_amount", "3000")
          .containsEntry("final_amount", "2500").containsEntry("refund:RD" + member.orderId(), "REQUESTED");
    }
    assertThat(stock()).isEqualTo(7);
    assertThat(groupDeadlines()).isEmpty();
    assertThat(openGroups()).isEmpty();
  }

  @Test
  void tieredSuccessRequestsEachDifferenceWithTheTransactionTotal() {
    givenWarmActivity(THREE_TIERS);
    List<Reply> members = paidGroupOf(3);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    List<Event> events = events();
    assertThat(eventTypes()).endsWith("GroupSucceeded", "RefundRequested");
    Event succeeded = events.get(events.size() - 2);
    assertThat(succeeded.data().get("group").get("price").asLong()).isEqualTo(2500);
    assertThat(succeeded.data().get("orders").valueStream().map(o -> o.get("status").asString() + "/"
            + o.get("paidAmount").asLong() + "/" + o.get("finalAmount").asLong()))
        .containsOnly("SUCCEEDED/3000/2500").hasSize(3);
    JsonNode refunds = events.get(events.size() - 1).data().get("refunds");
    assertThat(refunds.valueStream().map(r -> r.get("refundNo").asString()))
        .containsExactlyInAnyOrderElementsOf(members.stream().map(m -> "RD" + m.orderId()).toList());
    assertThat(refunds.valueStream().map(r -> r.get("amount").asLong() + "/" + r.get("total").asLong()
        + "/" + r.get("reason").asString())).containsOnly("500/3000/TIER_PRICE");
  }

  @Test
  void tieredGroupAtItsSmallestTierPriceRefundsNothing() {
    givenWarmActivity(THREE_TIERS);
    paidGroupOf(2);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(lastEvent().type()).isEqualTo("GroupSucceeded");
    assertThat(lastEvent().data().get("group").get("price").asLong()).isEqualTo(3000);
  }

  @Test
  void tieredGroupBelowSmallestTierFailsAndRefundsInFull() {
    givenWarmActivity(THREE_TIERS);
    Reply leader = paidGroupOf(1).get(0);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(leader.groupId())).containsEntry("status", "FAILED").doesNotContainKey("price");
    assertThat(order(leader.orderId())).containsEntry("status", "REFUNDING").containsEntry("final_amount", "0");
    JsonNode refund = lastEvent().data().get("refunds").get(0);
    assertThat(refund.get("refundNo").asString()).isEqualTo("RF" + leader.orderId());
    assertThat(refund.get("amount").asLong()).isEqualTo(3000);
    assertThat(refund.get("total").asLong()).isEqualTo(3000);
    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void unpaidMembersOfSucceedingGroupExpireAndLeaveIt() {
    givenWarmActivity(THREE_TIERS);
    List<Reply> payers = paidGroupOf(2);
    Reply idle = reserve(Kind.JOIN, "idle", GROUP_DEADLINE - 60_000, payers.get(0).groupId(), null).block(TIMEOUT);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(order(idle.orderId())).containsEntry("status", "EXPIRED");
    assertThat(groupMembers(payers.get(0).groupId())).doesNotContainKey("idle").hasSize(2);
    assertThat(group(payers.get(0).groupId())).containsEntry("members", "2").containsEntry("status", "SUCCEEDED");
    assertThat(paymentDeadlines()).isEmpty();
    assertThat(quota()).doesNotContainKey("idle");
    assertThat(stock()).isEqualTo(8);
  }

  @Test
  void groupOneMemberShortSucceedsWithVirtualSuccess() {
    givenWarmActivity(ActivitySpec.standard().withPerUserLimit(1).withVirtualMissing(1));
    List<Reply> members = paidGroupOf(2);

    StepVerifier.create(settleGroups(GROUP_DEADLINE, 10))
        .expectNext(1L)
        .verifyComplete();

    assertThat(group(members.get(0).groupId())).containsEntry("status", "SUCCEEDED").containsEntry("virtual", "1")
        .containsEntry("members", "2").containsEntry("price", Long.toString(GROUP_PRICE));
    assertThat(order(members.get(1).orderId())).containsEntry("status", "SUCCEEDED");
    // The missing place took no unit: only the two real members hold stock.
    assertThat(stock()).isEqualTo(8);
    assertThat(eventTypes()).endsWith("GroupSucceeded").doesNotContain("RefundRequested");
    assertThat(lastEvent().data().get("group").get("virtualMembers").asInt()).isEqualTo(1);
  }

  @Test
  void groupOneMemberShortFailsWithoutVirtualSuccess() {
    givenWarmActivity(ActivitySpec.standard().withPerUserLimit(1));
    List<Reply> members = paidGroupOf(2);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(members.get(0).groupId())).containsEntry("status", "FAILED");
    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void groupTwoMembersShortFailsWhenOnlyOneMayBeMissing() {
    givenWarmActivity(ActivitySpec.standard().withPerUserLimit(1).withVirtualMissing(1));
    Reply leader = paidGroupOf(1).get(0);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(leader.groupId())).containsEntry("status", "FAILED");
  }

  @Test
  void virtualSuccessNeedsAtLeastOnePaidMember() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2).withVirtualMissing(1));
    Reply leader = opened("buyer-1");

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(leader.groupId())).containsEntry("status", "FAILED");
    assertThat(order(leader.orderId())).containsEntry("status", "EXPIRED");
  }

  @Test
  void tieredGroupShortOfSmallestTierSucceedsAtItsPriceWithVirtualSuccess() {
    givenWarmActivity(new ActivitySpec(10, 1, 4, "TIERED", "3:2800,4:2000", 1));
    List<Reply> members = paidGroupOf(2);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(members.get(0).groupId())).containsEntry("status", "SUCCEEDED").containsEntry("virtual", "1")
        .containsEntry("price", "2800");
    assertThat(eventTypes()).doesNotContain("RefundRequested");
  }

  /** A group of {@code n} members who all paid, opened at {@link #NOW}. */
  private List<Reply> paidGroupOf(int n) {
    Reply leader = opened("member-0");
    List<Reply> members = new java.util.ArrayList<>(List.of(leader));
    for (int i = 1; i < n; i++) {
      members.add(joined(leader.groupId(), "member-" + i));
    }
    members.forEach(this::paid);
    return members;
  }

  @Test
  void aFailedGroupGivesEachUnitBackToItsMembersPoint() {
    assertThat(warm(ActivitySpec.standard(), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");
    Reply leader = reserve(Kind.OPEN, "buyer-1", NOW, "", null, "3").block(TIMEOUT);
    paid(leader);
    reserve(Kind.JOIN, "buyer-2", LATE_JOIN, leader.groupId(), null, "5").block(TIMEOUT);
    assertThat(List.of(pointStock(3), pointStock(5), stock())).containsExactly(3L, 5L, 8L);

    StepVerifier.create(settleGroups(GROUP_DEADLINE, 10)).expectNext(1L).verifyComplete();

    assertThat(order(leader.orderId())).containsEntry("status", "REFUNDING").containsEntry("point", "3");
    assertThat(List.of(pointStock(3), pointStock(5), stock())).containsExactly(4L, 6L, 10L);
    assertThat(events().stream().filter(e -> e.type().equals("GroupFailed")).reduce((a, b) -> b).orElseThrow()
        .data().get("orders").findValues("pointId").stream()
        .map(n -> n.asLong()).toList()).containsExactlyInAnyOrder(3L, 5L);
  }

  @Test
  void anUnpaidMemberOfASucceedingGroupGivesTheUnitBackToItsPoint() {
    assertThat(warm(THREE_TIERS, new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");
    Reply first = reserve(Kind.OPEN, "payer-1", NOW, "", null, "3").block(TIMEOUT);
    paid(first);
    paid(reserve(Kind.JOIN, "payer-2", NOW, first.groupId(), null, "3").block(TIMEOUT));
    reserve(Kind.JOIN, "idle", GROUP_DEADLINE - 60_000, first.groupId(), null, "5").block(TIMEOUT);
    assertThat(List.of(pointStock(3), pointStock(5))).containsExactly(2L, 5L);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(first.groupId())).containsEntry("status", "SUCCEEDED");
    assertThat(List.of(pointStock(3), pointStock(5), stock())).containsExactly(2L, 6L, 8L);
  }

  @Test
  void aGroupSucceedingAtItsDeadlineOpensThePaidMembersWindowsOnly() {
    assertThat(warm(THREE_TIERS, List.of("perishable", "1", "pickup_from", Long.toString(WINDOW_FROM),
        "pickup_to", Long.toString(WINDOW_TO)), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT))
        .isEqualTo("WARMED");
    Reply first = reserve(Kind.OPEN, "payer-1", NOW, "", null, "3").block(TIMEOUT);
    paid(first);
    Reply second = reserve(Kind.JOIN, "payer-2", NOW, first.groupId(), null, "5").block(TIMEOUT);
    paid(second);
    Reply idle = reserve(Kind.JOIN, "idle", NOW, first.groupId(), null, "5").block(TIMEOUT);

    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(first.groupId())).containsEntry("status", "SUCCEEDED");
    assertThat(pickupDeadlines()).containsOnlyKeys(first.orderId(), second.orderId());
    assertThat(pickupReminders()).hasSize(4);
    assertThat(order(idle.orderId())).doesNotContainKey("pickup_from");
    assertThat(order(second.orderId())).containsEntry("rollovers", "0");
  }

  @Test
  void aFailedGroupsUnitsBackAboveTheSafetyStockReArmTheAlerts() {
    givenSafetyStocks(9, 3);
    assertThat(reserve(Kind.OPEN, "leader", NOW, "", null, "3").block(TIMEOUT).outcome()).isEqualTo("OK");
    assertThat(stockLows()).hasSize(2);

    assertThat(settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT)).isEqualTo(1L);

    assertThat(stock()).isEqualTo(10);
    assertThat(alerted("")).isFalse();
    assertThat(alerted("3")).isFalse();
  }
}
