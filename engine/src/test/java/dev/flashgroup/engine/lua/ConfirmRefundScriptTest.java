package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** confirm_refund.lua: records a refund the gateway confirmed, REFUNDING -> REFUNDED. */
class ConfirmRefundScriptTest extends LuaScriptSupport {

  private static final long REFUNDED_AT = PAY_BY + 60_000;

  @Test
  void reportsUnknownOrder() {
    givenWarmActivity();

    StepVerifier.create(confirmRefund("42-99", "RF42-99", REFUNDED_AT))
        .expectNext("NOT_FOUND")
        .verifyComplete();
  }

  @Test
  void rejectsRefundNumberThatIsNotTheOrders() {
    givenWarmActivity();
    Reply order = refundingOrder();

    StepVerifier.create(confirmRefund(order.orderId(), "RF42-99", REFUNDED_AT))
        .expectNext("UNKNOWN_REFUND")
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "REFUNDING");
    assertThat(eventTypes()).doesNotContain("RefundConfirmed");
  }

  @Test
  void rejectsRefundOfOrderThatWasNeverSentBack() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");
    paid(order);

    StepVerifier.create(confirmRefund(order.orderId(), "RF" + order.orderId(), REFUNDED_AT))
        .expectNext("UNKNOWN_REFUND")
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "SUCCEEDED");
    assertThat(eventTypes()).doesNotContain("RefundConfirmed");
  }

  @Test
  void rejectsRefundOfOrderNoLongerRefunding() {
    givenWarmActivity();
    Reply order = refundingOrder();
    // No script moves a REFUNDING order anywhere but REFUNDED today; set directly to reach the
    // guard that only a REFUNDING order can be refunded, even with the right refund number.
    redis.opsForHash().put(keys.order(order.orderId()), "status", "SUCCEEDED").block(TIMEOUT);

    StepVerifier.create(confirmRefund(order.orderId(), "RF" + order.orderId(), REFUNDED_AT))
        .expectNext("UNKNOWN_REFUND")
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "SUCCEEDED");
  }

  @Test
  void marksRefundingOrderRefunded() {
    givenWarmActivity();
    Reply order = refundingOrder();

    StepVerifier.create(confirmRefund(order.orderId(), "RF" + order.orderId(), REFUNDED_AT))
        .expectNext("REFUNDED")
        .verifyComplete();

    assertThat(order(order.orderId()))
        .containsEntry("status", "REFUNDED")
        .containsEntry("refunded_at", Long.toString(REFUNDED_AT))
        .containsEntry("version", "4");
    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("RefundConfirmed");
    assertThat(event.data().get("at").asLong()).isEqualTo(REFUNDED_AT);
    assertThat(event.data().get("refundNo").asString()).isEqualTo("RF" + order.orderId());
    assertThat(event.data().get("group").isNull()).isTrue();
    JsonNode snapshot = event.data().get("orders").get(0);
    assertThat(snapshot.get("id").asString()).isEqualTo(order.orderId());
    assertThat(snapshot.get("activityId").asString()).isEqualTo("42");
    assertThat(snapshot.get("buyerId").asString()).isEqualTo("buyer-1");
    assertThat(snapshot.get("status").asString()).isEqualTo("REFUNDED");
    assertThat(snapshot.get("amount").asLong()).isEqualTo(SOLO_PRICE);
    assertThat(snapshot.get("payBy").asLong()).isEqualTo(PAY_BY);
    assertThat(snapshot.get("version").asLong()).isEqualTo(4);
  }

  @Test
  void ignoresRepeatedRefundConfirmation() {
    givenWarmActivity();
    Reply order = refundingOrder();
    confirmRefund(order.orderId(), "RF" + order.orderId(), REFUNDED_AT).block(TIMEOUT);

    StepVerifier.create(confirmRefund(order.orderId(), "RF" + order.orderId(), REFUNDED_AT + 1_000))
        .expectNext("DUPLICATE")
        .verifyComplete();

    assertThat(order(order.orderId()))
        .containsEntry("refunded_at", Long.toString(REFUNDED_AT))
        .containsEntry("version", "4");
    assertThat(eventTypes()).containsOnlyOnce("RefundConfirmed");
  }

  @Test
  void confirmsRefundOfSecondPaymentWithoutTouchingTheOrder() {
    givenWarmActivity();
    Reply order = boughtAlone("buyer-1");
    confirmPayment(order.orderId(), "tx-1", SOLO_PRICE, REFUNDED_AT - 2_000).block(TIMEOUT);
    confirmPayment(order.orderId(), "tx-2", SOLO_PRICE, REFUNDED_AT - 1_000).block(TIMEOUT);

    StepVerifier.create(confirmRefund(order.orderId(), "RFtx-2", REFUNDED_AT))
        .expectNext("REFUNDED")
        .verifyComplete();
    StepVerifier.create(confirmRefund(order.orderId(), "RFtx-2", REFUNDED_AT + 1_000))
        .expectNext("DUPLICATE")
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "SUCCEEDED").containsEntry("tx", "tx-1")
        .containsEntry("refund:RFtx-2", "CONFIRMED");
    assertThat(eventTypes()).containsOnlyOnce("RefundConfirmed");
    assertThat(lastEvent().data().get("orders").get(0).get("status").asString()).isEqualTo("SUCCEEDED");
  }

  /** A solo order paid after it expired: the payment goes back, order REFUNDING with refund no RF + id. */
  private Reply refundingOrder() {
    Reply order = boughtAlone("buyer-1");
    expireReservations(PAY_BY, 10).block(TIMEOUT);
    assertThat(confirmPayment(order.orderId(), "tx-late", SOLO_PRICE, PAY_BY + 1_000).block(TIMEOUT))
        .containsExactly("LATE_REFUND", "REFUNDING");
    return order;
  }

  @Test
  void recordsConfirmedTierDifferenceAndKeepsOrderSucceeded() {
    givenWarmActivity(ActivitySpec.tiered());
    Reply leader = fullTieredGroupLeader();

    StepVerifier.create(confirmRefund(leader.orderId(), "RD" + leader.orderId(), REFUNDED_AT))
        .expectNext("REFUNDED")
        .verifyComplete();

    assertThat(order(leader.orderId())).containsEntry("status", "SUCCEEDED").containsEntry("refunded_amount", "500")
        .containsEntry("refund:RD" + leader.orderId(), "CONFIRMED").containsEntry("version", "4");
    JsonNode snapshot = lastEvent().data().get("orders").get(0);
    assertThat(snapshot.get("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(snapshot.get("paidAmount").asLong()).isEqualTo(3000);
    assertThat(snapshot.get("finalAmount").asLong()).isEqualTo(2500);
    assertThat(snapshot.get("refundedAmount").asLong()).isEqualTo(500);
    assertThat(snapshot.get("version").asLong()).isEqualTo(4);
  }

  @Test
  void ignoresRepeatedConfirmationOfTierDifference() {
    givenWarmActivity(ActivitySpec.tiered());
    Reply leader = fullTieredGroupLeader();
    confirmRefund(leader.orderId(), "RD" + leader.orderId(), REFUNDED_AT).block(TIMEOUT);

    StepVerifier.create(confirmRefund(leader.orderId(), "RD" + leader.orderId(), REFUNDED_AT + 1_000))
        .expectNext("DUPLICATE")
        .verifyComplete();

    assertThat(order(leader.orderId())).containsEntry("refunded_amount", "500").containsEntry("version", "4");
    assertThat(eventTypes()).containsOnlyOnce("RefundConfirmed");
  }

  @Test
  void recordsFullRefundAsRefundedAmount() {
    givenWarmActivity();
    Reply order = refundingOrder();

    confirmRefund(order.orderId(), "RF" + order.orderId(), REFUNDED_AT).block(TIMEOUT);

    assertThat(order(order.orderId())).containsEntry("refunded_amount", Long.toString(SOLO_PRICE))
        .containsEntry("final_amount", "0");
    assertThat(lastEvent().data().get("orders").get(0).get("refundedAmount").asLong()).isEqualTo(SOLO_PRICE);
  }

  /** A full group of three at tiers 2 → 3000, 3 → 2500: every member is owed 500 back. */
  private Reply fullTieredGroupLeader() {
    Reply leader = opened("buyer-1");
    Reply second = joined(leader.groupId(), "buyer-2");
    Reply last = joined(leader.groupId(), "buyer-3");
    List.of(leader, second, last).forEach(this::paid);
    assertThat(order(leader.orderId())).containsEntry("status", "SUCCEEDED");
    return leader;
  }
}
