package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** confirm_payment.lua: records a confirmed payment and settles the group it completes. */
class ConfirmPaymentScriptTest extends LuaScriptSupport {

  private static final long PAID_AT = NOW + 10_000;

  @Test
  void reportsUnknownOrder() {
    givenWarmActivity();

    StepVerifier.create(confirmPayment("42-99", "tx-1", GROUP_PRICE, PAID_AT))
        .expectNext(List.of("NOT_FOUND", ""))
        .verifyComplete();

    assertThat(eventTypes()).isEmpty();
  }

  @Test
  void answersNotFoundForAnOrderOfARetiredActivityAndAppendsNothing() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");
    long before = events().size();
    redis.opsForHash().put(keys.retirement(), "phase", "RETIRED").block(TIMEOUT);

    StepVerifier.create(confirmPayment(order.orderId(), "tx-1", SOLO_PRICE, PAID_AT))
        .expectNext(List.of("NOT_FOUND", ""))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "RESERVED").doesNotContainKey("tx");
    assertThat(events()).hasSize((int) before);
  }

  /** rebuild_activity.lua writes the orders before the activity hash: the money waits for it. */
  @Test
  void takesNoMoneyWhileTheActivityIsBeingRebuilt() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");
    long before = events().size();
    redis.delete(keys.activity()).block(TIMEOUT);

    StepVerifier.create(confirmPayment(order.orderId(), "tx-1", SOLO_PRICE, PAID_AT))
        .expectNext(List.of("NOT_FOUND", ""))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "RESERVED").doesNotContainKey("tx");
    assertThat(events()).hasSize((int) before);
  }

  @Test
  void refusesPaymentOfWrongAmount() {
    givenWarmActivity();
    Reply order = opened("buyer-1");

    StepVerifier.create(confirmPayment(order.orderId(), "tx-1", GROUP_PRICE - 1, PAID_AT))
        .expectNext(List.of("AMOUNT_MISMATCH", "RESERVED"))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "RESERVED").doesNotContainKeys("tx", "paid_at")
        .containsEntry("refund:RFtx-1", "REQUESTED");
    assertThat(paymentDeadlines()).containsKey(order.orderId());
    // The wrong amount was taken from the buyer all the same: it goes back.
    assertThat(eventTypes()).containsExactly("ReservationMade", "RefundRequested");
  }

  @Test
  void marksGroupMemberPaid() {
    givenWarmActivity();
    Reply order = opened("buyer-1");

    StepVerifier.create(confirmPayment(order.orderId(), "tx-1", GROUP_PRICE, PAID_AT))
        .expectNext(List.of("PAID", "PAID"))
        .verifyComplete();

    assertThat(order(order.orderId()))
        .containsEntry("status", "PAID")
        .containsEntry("tx", "tx-1")
        .containsEntry("paid_at", Long.toString(PAID_AT))
        .containsEntry("version", "2");
    assertThat(group(order.groupId()))
        .containsEntry("status", "OPEN")
        .containsEntry("paid", "1")
        .containsEntry("version", "2");
    assertThat(paymentDeadlines()).isEmpty();
    assertThat(groupDeadlines()).containsOnlyKeys(order.groupId());
  }

  @Test
  void recordsPaymentConfirmedWithOrderAndGroupSnapshots() {
    givenWarmActivity();
    Reply order = opened("buyer-1");
    paid(order);

    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("PaymentConfirmed");
    assertThat(event.data().get("tx").asString()).isEqualTo("tx-" + order.orderId());
    assertThat(event.data().get("paidOrder").asString()).isEqualTo(order.orderId());
    assertThat(orderIds(event)).containsExactly(order.orderId());
    JsonNode snapshot = event.data().get("orders").get(0);
    assertThat(snapshot.get("status").asString()).isEqualTo("PAID");
    assertThat(snapshot.get("version").asLong()).isEqualTo(2);
    assertThat(snapshot.get("activityId").asString()).isEqualTo("42");
    JsonNode group = event.data().get("group");
    assertThat(group.get("id").asString()).isEqualTo(order.groupId());
    assertThat(group.get("status").asString()).isEqualTo("OPEN");
    assertThat(group.get("paid").asLong()).isEqualTo(1);
    assertThat(group.get("members").asLong()).isEqualTo(1);
  }

  @Test
  void succeedsGroupWhenLastMemberPays() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(3));
    Reply leader = opened("buyer-1");
    Reply second = joined(leader.groupId(), "buyer-2");
    Reply last = joined(leader.groupId(), "buyer-3");
    paid(leader);
    paid(second);

    StepVerifier.create(confirmPayment(last.orderId(), "tx-last", GROUP_PRICE, PAID_AT))
        .expectNext(List.of("GROUP_SUCCEEDED", "SUCCEEDED"))
        .verifyComplete();

    assertThat(group(leader.groupId()))
        .containsEntry("status", "SUCCEEDED")
        .containsEntry("paid", "3")
        .containsEntry("settled_at", Long.toString(PAID_AT));
    for (Reply member : List.of(leader, second, last)) {
      assertThat(order(member.orderId())).containsEntry("status", "SUCCEEDED").containsEntry("version", "3");
    }
    assertThat(groupDeadlines()).isEmpty();
    assertThat(paymentDeadlines()).isEmpty();
  }

  @Test
  void recordsGroupSucceededCarryingEveryOrder() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    Reply last = joined(leader.groupId(), "buyer-2");
    paid(leader);
    paid(last);

    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("GroupSucceeded");
    assertThat(event.data().get("paidOrder").asString()).isEqualTo(last.orderId());
    assertThat(orderIds(event)).containsExactlyInAnyOrder(leader.orderId(), last.orderId());
    assertThat(event.data().get("orders").valueStream().map(o -> o.get("status").asString()))
        .containsOnly("SUCCEEDED");
    assertThat(event.data().get("group").get("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(event.data().get("group").get("paid").asLong()).isEqualTo(2);
    assertThat(eventTypes()).containsExactly("ReservationMade", "ReservationMade", "PaymentConfirmed",
        "GroupSucceeded");
  }

  @Test
  void settlesSoloOrderAsSoonAsItIsPaid() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");

    StepVerifier.create(confirmPayment(order.orderId(), "tx-1", SOLO_PRICE, PAID_AT))
        .expectNext(List.of("PAID", "SUCCEEDED"))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "SUCCEEDED").containsEntry("tx", "tx-1");
    assertThat(paymentDeadlines()).isEmpty();
    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("PaymentConfirmed");
    assertThat(event.data().get("group").isNull()).isTrue();
    assertThat(event.data().get("orders").get(0).get("status").asString()).isEqualTo("SUCCEEDED");
  }

  @Test
  void ignoresRepeatedNotificationOfSameTransaction() {
    givenWarmActivity();
    Reply order = opened("buyer-1");
    confirmPayment(order.orderId(), "tx-1", GROUP_PRICE, PAID_AT).block(TIMEOUT);

    StepVerifier.create(confirmPayment(order.orderId(), "tx-1", GROUP_PRICE, PAID_AT + 1_000))
        .expectNext(List.of("DUPLICATE", "PAID"))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("paid_at", Long.toString(PAID_AT)).containsEntry("version", "2");
    assertThat(group(order.groupId())).containsEntry("paid", "1");
    assertThat(eventTypes()).containsExactly("ReservationMade", "PaymentConfirmed");
  }

  @Test
  void reportsOtherTransactionForOrderAlreadyPaid() {
    givenWarmActivity();
    Reply order = opened("buyer-1");
    confirmPayment(order.orderId(), "tx-1", GROUP_PRICE, PAID_AT).block(TIMEOUT);

    StepVerifier.create(confirmPayment(order.orderId(), "tx-2", GROUP_PRICE, PAID_AT + 1_000))
        .expectNext(List.of("OTHER_TRANSACTION", "PAID"))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("tx", "tx-1").containsEntry("refund:RFtx-2", "REQUESTED");
    assertThat(group(order.groupId())).containsEntry("paid", "1");
    assertThat(eventTypes()).containsExactly("ReservationMade", "PaymentConfirmed", "RefundRequested");

    // The gateway repeats the notification of the second payment: it is refunded once.
    confirmPayment(order.orderId(), "tx-2", GROUP_PRICE, PAID_AT + 2_000).block(TIMEOUT);
    assertThat(eventTypes()).containsExactly("ReservationMade", "PaymentConfirmed", "RefundRequested");
  }

  @Test
  void reportsDuplicateForOrderPaidWithoutRecordedTransaction() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");
    // No script produces this today: a settled order without a transaction id (e.g. restored from
    // MySQL). Set directly to reach the script's guard for orders that are neither RESERVED nor EXPIRED.
    redis.opsForHash().put(keys.order(order.orderId()), "status", "SUCCEEDED").block(TIMEOUT);

    StepVerifier.create(confirmPayment(order.orderId(), "tx-1", SOLO_PRICE, PAID_AT))
        .expectNext(List.of("DUPLICATE", "SUCCEEDED"))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("version", "1").doesNotContainKey("tx");
    assertThat(eventTypes()).containsExactly("ReservationMade");
  }

  @Test
  void refundsPaymentThatArrivesAfterOrderExpired() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");
    expireReservations(PAY_BY, 10).block(TIMEOUT);
    long late = PAY_BY + 1_000;

    StepVerifier.create(confirmPayment(order.orderId(), "tx-late", SOLO_PRICE, late))
        .expectNext(List.of("LATE_REFUND", "REFUNDING"))
        .verifyComplete();

    assertThat(order(order.orderId()))
        .containsEntry("status", "REFUNDING")
        .containsEntry("refund_no", "RF" + order.orderId())
        .containsEntry("tx", "tx-late")
        .containsEntry("paid_at", Long.toString(late))
        .containsEntry("version", "3");
    assertThat(stock()).isEqualTo(10);
    assertThat(eventTypes()).containsExactly("ReservationMade", "ReservationExpired", "PaymentConfirmed",
        "RefundRequested");
    List<Event> events = events();
    Event confirmed = events.get(2);
    assertThat(confirmed.data().get("paidOrder").asString()).isEqualTo(order.orderId());
    assertThat(confirmed.data().get("orders").get(0).get("status").asString()).isEqualTo("REFUNDING");
    assertThat(confirmed.data().get("group").isNull()).isTrue();
    JsonNode refund = events.get(3).data().get("refunds").get(0);
    assertThat(refund.get("refundNo").asString()).isEqualTo("RF" + order.orderId());
    assertThat(refund.get("orderId").asString()).isEqualTo(order.orderId());
    assertThat(refund.get("amount").asLong()).isEqualTo(SOLO_PRICE);
    assertThat(refund.get("reason").asString()).isEqualTo("LATE_PAYMENT");
    assertThat(refund.get("total").asLong()).isEqualTo(SOLO_PRICE);
  }

  @Test
  void fullTieredGroupSucceedsAtOnceAtLargestTierAndRequestsEachDifferenceOnce() {
    givenWarmActivity(ActivitySpec.tiered());
    Reply leader = opened("buyer-1");
    Reply second = joined(leader.groupId(), "buyer-2");
    Reply last = joined(leader.groupId(), "buyer-3");
    paid(leader);
    paid(second);

    StepVerifier.create(confirmPayment(last.orderId(), "tx-last", 3000, PAID_AT))
        .expectNext(List.of("GROUP_SUCCEEDED", "SUCCEEDED"))
        .verifyComplete();

    assertThat(group(leader.groupId())).containsEntry("status", "SUCCEEDED").containsEntry("price", "2500");
    for (Reply member : List.of(leader, second, last)) {
      assertThat(order(member.orderId())).containsEntry("final_amount", "2500").containsEntry("paid_amount", "3000")
          .containsEntry("refund:RD" + member.orderId(), "REQUESTED");
    }
    assertThat(eventTypes()).endsWith("GroupSucceeded", "RefundRequested");
    JsonNode refunds = lastEvent().data().get("refunds");
    assertThat(refunds.valueStream().map(r -> r.get("refundNo").asString() + "/" + r.get("amount").asLong() + "/"
        + r.get("total").asLong())).containsExactlyInAnyOrder("RD" + leader.orderId() + "/500/3000",
        "RD" + second.orderId() + "/500/3000", "RD" + last.orderId() + "/500/3000");
  }

  @Test
  void untieredGroupSucceedsAtItsGroupPriceWithoutRefunds() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    Reply last = joined(leader.groupId(), "buyer-2");
    paid(leader);
    paid(last);

    assertThat(order(last.orderId())).containsEntry("final_amount", Long.toString(GROUP_PRICE))
        .containsEntry("paid_amount", Long.toString(GROUP_PRICE));
    assertThat(eventTypes()).doesNotContain("RefundRequested");
    JsonNode snapshot = lastEvent().data().get("orders").get(0);
    assertThat(snapshot.get("finalAmount").asLong()).isEqualTo(GROUP_PRICE);
  }

  @Test
  void succeededGroupLeavesJoinableList() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    Reply last = joined(leader.groupId(), "buyer-2");
    redis.opsForZSet().add(keys.openGroups(), leader.groupId(), 1).block(TIMEOUT);
    paid(leader);
    paid(last);

    assertThat(openGroups()).isEmpty();
  }

  @Test
  void soloOrderFinalAmountIsWhatWasPaid() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");

    paid(order);

    assertThat(order(order.orderId())).containsEntry("final_amount", Long.toString(SOLO_PRICE))
        .containsEntry("paid_amount", Long.toString(SOLO_PRICE));
  }

  @Test
  void refundOfMoneyThatSettlesNothingCarriesItsTotal() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");

    confirmPayment(order.orderId(), "tx-wrong", 1, PAID_AT).block(TIMEOUT);

    JsonNode refund = lastEvent().data().get("refunds").get(0);
    assertThat(refund.get("amount").asLong()).isEqualTo(1);
    assertThat(refund.get("total").asLong()).isEqualTo(1);
  }

  @Test
  void aPaidSoloOrderAtAPointGetsItsWindowItsTimerAndBothRemindersWhenPerishable() {
    givenPickupActivity(true);

    Reply order = collectable("buyer-1");

    assertThat(order(order.orderId())).containsEntry("pickup_from", Long.toString(WINDOW_FROM))
        .containsEntry("pickup_to", Long.toString(WINDOW_TO)).containsEntry("rollovers", "0");
    assertThat(pickupDeadlines()).containsExactlyEntriesOf(java.util.Map.of(order.orderId(), WINDOW_TO));
    assertThat(pickupReminders()).containsOnly(
        java.util.Map.entry(order.orderId() + ":0:WINDOW_START", WINDOW_FROM),
        java.util.Map.entry(order.orderId() + ":0:WINDOW_ENDING", WINDOW_TO - HOUR_MS));
    JsonNode snapshot = lastEvent().data().get("orders").get(0);
    assertThat(List.of(snapshot.get("pickupFrom").asLong(), snapshot.get("pickupTo").asLong(),
        snapshot.get("rollovers").asLong())).containsExactly(WINDOW_FROM, WINDOW_TO, 0L);
  }

  @Test
  void aNonPerishableOrderGetsOnlyTheReminderAtWindowStart() {
    givenPickupActivity(false);

    Reply order = collectable("buyer-1");

    assertThat(pickupReminders()).containsOnlyKeys(order.orderId() + ":0:WINDOW_START");
  }

  @Test
  void aWindowShorterThanAnHourGetsNoEndingReminder() {
    assertThat(warm(ActivitySpec.standard(), List.of("perishable", "1", "pickup_from", Long.toString(WINDOW_FROM),
        "pickup_to", Long.toString(WINDOW_FROM + HOUR_MS)), new long[] {3, 10}).block(TIMEOUT)).isEqualTo("WARMED");

    Reply order = collectable("buyer-1");

    assertThat(pickupReminders()).containsOnlyKeys(order.orderId() + ":0:WINDOW_START");
  }

  @Test
  void withoutAnExplicitWindowThePointsOwnWindowApplies() {
    long from = WINDOW_FROM + 3 * HOUR_MS;
    assertThat(warm(ActivitySpec.standard(), List.of("perishable", "0", "window:3", from + ":" + (from + HOUR_MS)),
        new long[] {3, 10}).block(TIMEOUT)).isEqualTo("WARMED");

    Reply order = collectable("buyer-1");

    assertThat(order(order.orderId())).containsEntry("pickup_from", Long.toString(from))
        .containsEntry("pickup_to", Long.toString(from + HOUR_MS));
    assertThat(pickupDeadlines()).containsEntry(order.orderId(), from + HOUR_MS);
  }

  @Test
  void anOrderWithoutAPointGetsNoWindow() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");

    paid(order);

    assertThat(order(order.orderId())).doesNotContainKeys("pickup_from", "pickup_to", "rollovers");
    assertThat(pickupDeadlines()).isEmpty();
    assertThat(pickupReminders()).isEmpty();
    assertThat(lastEvent().data().get("orders").get(0).has("pickupFrom")).isFalse();
  }

  @Test
  void thePaymentThatCompletesAGroupOpensEveryMembersWindow() {
    givenPickupActivity(false);
    Reply leader = reserve(Kind.OPEN, "buyer-1", NOW, "", null, "3").block(TIMEOUT);
    Reply second = reserve(Kind.JOIN, "buyer-2", NOW, leader.groupId(), null, "5").block(TIMEOUT);
    Reply third = reserve(Kind.JOIN, "buyer-3", NOW, leader.groupId(), null, "5").block(TIMEOUT);
    paid(leader);
    paid(second);
    assertThat(pickupDeadlines()).isEmpty();

    assertThat(paid(third)).containsExactly("GROUP_SUCCEEDED", "SUCCEEDED");

    assertThat(pickupDeadlines()).containsOnlyKeys(leader.orderId(), second.orderId(), third.orderId());
    assertThat(pickupReminders()).hasSize(3);
    assertThat(lastEvent().data().get("orders").findValues("rollovers")).hasSize(3);
  }
}
