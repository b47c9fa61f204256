package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** expire_reservations.lua: expires unpaid reservations past their payment deadline. */
class ExpireReservationsScriptTest extends LuaScriptSupport {

  @Test
  void expiresNothingBeforePaymentDeadline() {
    givenWarmActivity();
    Reply order = opened("buyer-1");

    StepVerifier.create(expireReservations(PAY_BY - 1, 10))
        .expectNext(0L)
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "RESERVED");
    assertThat(paymentDeadlines()).containsOnlyKeys(order.orderId());
    assertThat(stock()).isEqualTo(9);
  }

  @Test
  void expiresDueReservationAndPutsItsUnitBackOnSale() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    Reply member = joined(leader.groupId(), "buyer-2");

    StepVerifier.create(expireReservations(PAY_BY, 10))
        .expectNext(2L)
        .verifyComplete();

    assertThat(order(member.orderId())).containsEntry("status", "EXPIRED").containsEntry("version", "2");
    assertThat(stock()).isEqualTo(10);
    assertThat(quota()).isEmpty();
    assertThat(paymentDeadlines()).isEmpty();
  }

  @Test
  void releasesGroupSlotOfExpiredMember() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    paid(leader);
    Reply member = joined(leader.groupId(), "buyer-2");

    StepVerifier.create(expireReservations(PAY_BY, 10))
        .expectNext(1L)
        .verifyComplete();

    assertThat(group(leader.groupId()))
        .containsEntry("status", "OPEN")
        .containsEntry("members", "1")
        .containsEntry("paid", "1")
        .containsEntry("version", "4");
    assertThat(groupMembers(leader.groupId())).containsOnlyKeys("buyer-1");
    assertThat(order(leader.orderId())).containsEntry("status", "PAID");
    assertThat(quota()).containsOnlyKeys("buyer-1");
    assertThat(groupDeadlines()).containsOnlyKeys(leader.groupId());

    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("ReservationExpired");
    assertThat(event.data().get("at").asLong()).isEqualTo(PAY_BY);
    JsonNode snapshot = event.data().get("orders").get(0);
    assertThat(snapshot.get("id").asString()).isEqualTo(member.orderId());
    assertThat(snapshot.get("groupId").asString()).isEqualTo(leader.groupId());
    assertThat(snapshot.get("buyerId").asString()).isEqualTo("buyer-2");
    assertThat(snapshot.get("status").asString()).isEqualTo("EXPIRED");
    assertThat(snapshot.get("amount").asLong()).isEqualTo(GROUP_PRICE);
    assertThat(snapshot.get("version").asLong()).isEqualTo(2);
    JsonNode group = event.data().get("group");
    assertThat(group.get("id").asString()).isEqualTo(leader.groupId());
    assertThat(group.get("members").asLong()).isEqualTo(1);
    assertThat(group.get("version").asLong()).isEqualTo(4);
  }

  @Test
  void reopensReleasedSlotForAnotherBuyer() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    paid(leader);
    joined(leader.groupId(), "buyer-2");
    expireReservations(PAY_BY, 10).block(TIMEOUT);

    StepVerifier.create(reserve(Kind.JOIN, "buyer-3", PAY_BY + 1, leader.groupId(), null))
        .assertNext(reply -> assertThat(reply.outcome()).isEqualTo("OK"))
        .verifyComplete();
  }

  @Test
  void expiresSoloReservationWithoutGroupSnapshot() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");

    StepVerifier.create(expireReservations(PAY_BY, 10))
        .expectNext(1L)
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "EXPIRED");
    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("ReservationExpired");
    assertThat(event.data().get("group").isNull()).isTrue();
    assertThat(orderIds(event)).containsExactly(order.orderId());
  }

  @Test
  void keepsQuotaOfBuyerStillHoldingAnotherUnit() {
    givenWarmActivity();
    boughtAlone("buyer-1");
    Reply later = reserve(Kind.SOLO, "buyer-1", NOW + 60_000, "", null).block(TIMEOUT);

    StepVerifier.create(expireReservations(PAY_BY, 10))
        .expectNext(1L)
        .verifyComplete();

    assertThat(quota()).containsEntry("buyer-1", "1");
    assertThat(paymentDeadlines()).containsOnlyKeys(later.orderId());
  }

  @Test
  void dropsDueEntryOfPaidOrderWithoutExpiringIt() {
    givenWarmActivity();
    Reply order = opened("buyer-1");
    paid(order);
    // Paying removes the deadline; put it back, as a payment racing a stale entry would leave it.
    redis.opsForZSet().add(keys.paymentDeadlines(), order.orderId(), PAY_BY).block(TIMEOUT);

    StepVerifier.create(expireReservations(PAY_BY, 10))
        .expectNext(0L)
        .verifyComplete();

    assertThat(paymentDeadlines()).isEmpty();
    assertThat(order(order.orderId())).containsEntry("status", "PAID");
    assertThat(stock()).isEqualTo(9);
    assertThat(quota()).containsEntry("buyer-1", "1");
    assertThat(eventTypes()).doesNotContain("ReservationExpired");
  }

  @Test
  void takesAtMostBatchEntriesEarliestFirst() {
    givenWarmActivity();
    List<Reply> orders = List.of(
        reserve(Kind.SOLO, "buyer-1", NOW, "", null).block(TIMEOUT),
        reserve(Kind.SOLO, "buyer-2", NOW + 1, "", null).block(TIMEOUT),
        reserve(Kind.SOLO, "buyer-3", NOW + 2, "", null).block(TIMEOUT));

    StepVerifier.create(expireReservations(PAY_BY + 2, 2))
        .expectNext(2L)
        .verifyComplete();

    assertThat(paymentDeadlines()).containsOnlyKeys(orders.get(2).orderId());
    assertThat(order(orders.get(2).orderId())).containsEntry("status", "RESERVED");
    assertThat(stock()).isEqualTo(9);

    StepVerifier.create(expireReservations(PAY_BY + 2, 2))
        .expectNext(1L)
        .verifyComplete();
  }

  @Test
  void letsOnlyOneOfTwoSweepersExpireAnEntry() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");

    StepVerifier.create(Flux.merge(expireReservations(PAY_BY, 10), expireReservations(PAY_BY, 10)).collectList())
        .assertNext(counts -> assertThat(counts).containsExactlyInAnyOrder(1L, 0L))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "EXPIRED").containsEntry("version", "2");
    assertThat(stock()).isEqualTo(10);
    assertThat(eventTypes()).containsOnlyOnce("ReservationExpired");
  }

  @Test
  void putsOpenGroupBackOnJoinableListWithItsFreeSlots() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    paid(leader);
    joined(leader.groupId(), "buyer-2");
    assertThat(openGroups()).isEmpty();

    expireReservations(PAY_BY, 10).block(TIMEOUT);

    assertThat(openGroups()).containsExactlyEntriesOf(java.util.Map.of(leader.groupId(), 1L));
  }

  @Test
  void leavesClosedGroupOffJoinableList() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    joined(leader.groupId(), "buyer-2");
    redis.opsForHash().put(keys.group(leader.groupId()), "status", "FAILED").block(TIMEOUT);

    expireReservations(PAY_BY, 10).block(TIMEOUT);

    assertThat(openGroups()).isEmpty();
  }

  @Test
  void announcesTheRestockOnceWhenUnitsComeBack() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    joined(leader.groupId(), "buyer-2");

    assertThat(restocksDuring(expireReservations(PAY_BY, 10))).containsExactly("42");
  }

  @Test
  void announcesNothingWhenNothingExpired() {
    givenWarmActivity();
    opened("buyer-1");

    assertThat(restocksDuring(expireReservations(PAY_BY - 1, 10))).isEmpty();
  }

  @Test
  void leavesGroupPastItsDeadlineOffJoinableList() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    paid(leader);
    joined(leader.groupId(), "buyer-2");

    expireReservations(GROUP_DEADLINE, 10).block(TIMEOUT);

    assertThat(group(leader.groupId())).containsEntry("status", "OPEN").containsEntry("members", "1");
    assertThat(openGroups()).isEmpty();
  }

  @Test
  void givesAnExpiredUnitBackToThePointItWasTakenFrom() {
    assertThat(warm(ActivitySpec.standard(), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");
    Reply atThree = reserve(Kind.OPEN, "buyer-1", NOW, "", null, "3").block(TIMEOUT);
    reserve(Kind.JOIN, "buyer-2", NOW, atThree.groupId(), null, "5").block(TIMEOUT);
    reserve(Kind.SOLO, "buyer-3", NOW, "", null, "5").block(TIMEOUT);
    assertThat(List.of(pointStock(3), pointStock(5), stock())).containsExactly(3L, 4L, 7L);

    StepVerifier.create(expireReservations(PAY_BY, 10)).expectNext(3L).verifyComplete();

    assertThat(List.of(pointStock(3), pointStock(5), stock())).containsExactly(4L, 6L, 10L);
    assertThat(events().stream().filter(e -> e.type().equals("ReservationExpired"))
        .map(e -> e.data().get("orders").get(0).get("pointId").asLong()).toList()).containsExactly(3L, 5L, 5L);
  }

  @Test
  void aUnitBackAboveTheSafetyStockReArmsTheActivitysAndThePointsAlert() {
    givenSafetyStocks(9, 3);
    boughtAt("3", 1);
    assertThat(stockLows()).hasSize(2);

    assertThat(expireReservations(PAY_BY, 10).block(TIMEOUT)).isEqualTo(1L);

    assertThat(alerted("")).isFalse();
    assertThat(alerted("3")).isFalse();
    boughtAt("3", 1);
    assertThat(stockLows()).hasSize(4);
  }

  @Test
  void aUnitBackThatLeavesTheLevelAtItsSafetyStockKeepsItAlerted() {
    givenSafetyStocks(9, 3);
    assertThat(reserve(Kind.SOLO, "early", NOW, "", null, "3").block(TIMEOUT).outcome()).isEqualTo("OK");
    assertThat(reserve(Kind.SOLO, "later", NOW + 60_000, "", null, "3").block(TIMEOUT).outcome()).isEqualTo("OK");

    assertThat(expireReservations(PAY_BY, 10).block(TIMEOUT)).isEqualTo(1L);

    assertThat(stock()).isEqualTo(9);
    assertThat(pointStock(3)).isEqualTo(3);
    assertThat(alerted("")).isTrue();
    assertThat(alerted("3")).isTrue();
  }
}
