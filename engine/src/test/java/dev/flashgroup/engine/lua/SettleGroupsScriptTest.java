package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/**
 * fail_groups.lua settling groups at their deadline by tier and by virtual success (its plain
 * failures are in {@link FailGroupsScriptTest}).
 */
class SettleGroupsScriptTest extends LuaScriptSupport {

  /** Tiers 2 → 3000, 3 → 2500, 4 → 2000: a group takes up to 4 and each pays 3000 up front. */
  private static final ActivitySpec THREE_TIERS = new ActivitySpec(10, 1, 4, "TIERED", "2:3000,3:2500,4:2000", 0);

  @Test
  void tieredGroupSucceedsAtPriceOfHighestTierReached() {
    givenWarmActivity(THREE_TIERS);
    List<Reply> members = paidGroupOf(3);

    StepVerifier.create(failGroups(GROUP_DEADLINE, 10))
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

    failGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

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

    failGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(lastEvent().type()).isEqualTo("GroupSucceeded");
    assertThat(lastEvent().data().get("group").get("price").asLong()).isEqualTo(3000);
  }

  @Test
  void tieredGroupBelowSmallestTierFailsAndRefundsInFull() {
    givenWarmActivity(THREE_TIERS);
    Reply leader = paidGroupOf(1).get(0);

    failGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

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

    failGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

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

    StepVerifier.create(failGroups(GROUP_DEADLINE, 10))
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

    failGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(members.get(0).groupId())).containsEntry("status", "FAILED");
    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void groupTwoMembersShortFailsWhenOnlyOneMayBeMissing() {
    givenWarmActivity(ActivitySpec.standard().withPerUserLimit(1).withVirtualMissing(1));
    Reply leader = paidGroupOf(1).get(0);

    failGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(leader.groupId())).containsEntry("status", "FAILED");
  }

  @Test
  void virtualSuccessNeedsAtLeastOnePaidMember() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2).withVirtualMissing(1));
    Reply leader = opened("buyer-1");

    failGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(leader.groupId())).containsEntry("status", "FAILED");
    assertThat(order(leader.orderId())).containsEntry("status", "EXPIRED");
  }

  @Test
  void tieredGroupShortOfSmallestTierSucceedsAtItsPriceWithVirtualSuccess() {
    givenWarmActivity(new ActivitySpec(10, 1, 4, "TIERED", "3:2800,4:2000", 1));
    List<Reply> members = paidGroupOf(2);

    failGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

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
}
