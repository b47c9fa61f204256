package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * cancel_activity.lua, and what reserve.lua and settle_groups.lua do for a cancelled activity
 * (contract 3: state CANCELLED, refusal ACTIVITY_CANCELLED, open groups due at once and failed).
 */
class CancelActivityScriptTest extends LuaScriptSupport {

  @Test
  void marksTheActivityCancelledAndMakesEveryOpenGroupDueNow() {
    givenWarmActivity();
    Reply first = opened("buyer-1");
    Reply second = opened("buyer-2");

    StepVerifier.create(cancelActivity(NOW + 5_000)).expectNext(List.of("CANCELLED", "2", "2")).verifyComplete();

    assertThat(activity()).containsEntry("state", "CANCELLED").containsEntry("cancelled_at", Long.toString(NOW + 5_000));
    assertThat(groupDeadlines()).containsEntry(first.groupId(), NOW + 5_000).containsEntry(second.groupId(), NOW + 5_000);
  }

  @Test
  void makesEveryUnpaidReservationDueSoItExpiresAndItsUnitComesBack() {
    givenWarmActivity();
    Reply solo = boughtAlone("buyer-1");
    Reply paidSolo = boughtAlone("buyer-2");
    paid(paidSolo);

    StepVerifier.create(cancelActivity(NOW + 5_000)).expectNext(List.of("CANCELLED", "0", "1")).verifyComplete();

    assertThat(paymentDeadlines()).containsExactlyEntriesOf(java.util.Map.of(solo.orderId(), NOW + 5_000));
    StepVerifier.create(expireReservations(NOW + 5_000, 10)).expectNext(1L).verifyComplete();
    assertThat(order(solo.orderId())).containsEntry("status", "EXPIRED");
    assertThat(order(paidSolo.orderId())).containsEntry("status", "SUCCEEDED");
    assertThat(stock()).isEqualTo(9);
  }

  @Test
  void aPaymentCompletingAGroupAfterTheCancellationLeavesItToFailAndRefund() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    Reply member = joined(leader.groupId(), "buyer-2");
    paid(leader);
    cancelActivity(NOW + 500).block(TIMEOUT);

    assertThat(paid(member)).containsExactly("PAID", "PAID");

    assertThat(group(leader.groupId())).containsEntry("status", "OPEN").containsEntry("paid", "2");
    StepVerifier.create(settleGroups(NOW + 2_000, 10)).expectNext(1L).verifyComplete();
    assertThat(group(leader.groupId())).containsEntry("status", "FAILED");
    assertThat(order(leader.orderId())).containsEntry("status", "REFUNDING");
    assertThat(order(member.orderId())).containsEntry("status", "REFUNDING");
  }

  @Test
  void keepsDeadlinesThatAreAlreadyDue() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");

    StepVerifier.create(cancelActivity(GROUP_DEADLINE + 1)).expectNext(List.of("CANCELLED", "0", "0")).verifyComplete();

    assertThat(groupDeadlines()).containsEntry(leader.groupId(), GROUP_DEADLINE);
  }

  @Test
  void cancellingTwiceChangesNothing() {
    givenWarmActivity();
    cancelActivity(NOW).block(TIMEOUT);

    StepVerifier.create(cancelActivity(NOW + 1_000)).expectNext(List.of("ALREADY_CANCELLED", "0", "0")).verifyComplete();

    assertThat(activity()).containsEntry("cancelled_at", Long.toString(NOW));
  }

  @Test
  void answersNotFoundForAnActivityNotWarm() {
    StepVerifier.create(cancelActivity(NOW)).expectNext(List.of("NOT_FOUND", "0", "0")).verifyComplete();

    assertThat(activity()).isEmpty();
  }

  @Test
  void reserveRefusesEveryKindOfReservationOnceCancelled() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    cancelActivity(NOW).block(TIMEOUT);

    StepVerifier.create(reserve(Kind.OPEN, "buyer-2", NOW, "", null))
        .expectNext(Reply.refused("ACTIVITY_CANCELLED")).verifyComplete();
    StepVerifier.create(reserve(Kind.JOIN, "buyer-2", NOW, leader.groupId(), null))
        .expectNext(Reply.refused("ACTIVITY_CANCELLED")).verifyComplete();
    StepVerifier.create(reserve(Kind.SOLO, "buyer-2", NOW, "", null))
        .expectNext(Reply.refused("ACTIVITY_CANCELLED")).verifyComplete();

    assertThat(stock()).isEqualTo(9);
    assertThat(group(leader.groupId())).containsEntry("members", "1");
  }

  @Test
  void groupSettlementFailsTheOpenGroupsAndRefundsWithReasonActivityCancelled() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    paid(leader);
    Reply member = joined(leader.groupId(), "buyer-2");
    cancelActivity(NOW + 2_000).block(TIMEOUT);

    StepVerifier.create(settleGroups(NOW + 2_000, 10)).expectNext(1L).verifyComplete();

    assertThat(group(leader.groupId())).containsEntry("status", "FAILED");
    assertThat(order(leader.orderId())).containsEntry("status", "REFUNDING");
    assertThat(order(member.orderId())).containsEntry("status", "EXPIRED");
    assertThat(stock()).isEqualTo(10);
    Event refund = lastEvent();
    assertThat(refund.type()).isEqualTo("RefundRequested");
    assertThat(refund.data().get("refunds").get(0).get("reason").asString()).isEqualTo("ACTIVITY_CANCELLED");
  }
}
