package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** fail_groups.lua: fails groups still open at their deadline and sends every unit back on sale. */
class FailGroupsScriptTest extends LuaScriptSupport {

  /** Joins late enough that the payment deadline is still ahead when the group's deadline passes. */
  private static final long LATE_JOIN = GROUP_DEADLINE - 60_000;

  @Test
  void failsNothingBeforeGroupDeadline() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");

    StepVerifier.create(failGroups(GROUP_DEADLINE - 1, 10))
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

    StepVerifier.create(failGroups(GROUP_DEADLINE, 10))
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

    failGroups(GROUP_DEADLINE, 10).block(TIMEOUT);

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

    StepVerifier.create(failGroups(GROUP_DEADLINE, 10))
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

    StepVerifier.create(failGroups(GROUP_DEADLINE, 10))
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

    StepVerifier.create(failGroups(GROUP_DEADLINE, 10))
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

    StepVerifier.create(failGroups(GROUP_DEADLINE, 2))
        .expectNext(2L)
        .verifyComplete();

    assertThat(groupDeadlines()).hasSize(1);

    StepVerifier.create(failGroups(GROUP_DEADLINE, 2))
        .expectNext(1L)
        .verifyComplete();
  }

  @Test
  void announcesTheRestockOnceWhenAFailedGroupGivesUnitsBack() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    paid(leader);
    joined(leader.groupId(), "buyer-2");

    assertThat(restocksDuring(failGroups(GROUP_DEADLINE, 10))).containsExactly("42");
  }

  @Test
  void announcesNothingWhenAFailedGroupHadNoUnitsLeft() {
    givenWarmActivity();
    opened("buyer-1");
    expireReservations(PAY_BY, 10).block(TIMEOUT);

    assertThat(restocksDuring(failGroups(GROUP_DEADLINE, 10))).isEmpty();
  }
}
