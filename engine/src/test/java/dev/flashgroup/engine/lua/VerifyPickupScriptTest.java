package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** verify_pickup.lua: a collectable order is handed out once, only at its own point; refusals change nothing. */
class VerifyPickupScriptTest extends LuaScriptSupport {

  private static final long LATER = NOW + 60_000;

  /** An activity of 10 units at points 3 (4) and 5 (6). */
  private void givenPoints() {
    assertThat(warm(ActivitySpec.standard(), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");
  }

  private Reply soloAt(String buyer, String point) {
    Reply reply = reserve(Kind.SOLO, buyer, NOW, "", null, point).block(TIMEOUT);
    assertThat(reply.outcome()).isEqualTo("OK");
    return reply;
  }

  @Test
  void handsOutACollectableOrderAndAppendsOrderPickedUp() {
    givenPoints();
    Reply order = soloAt("alice", "3");
    paid(order);
    String versionBefore = order(order.orderId()).get("version");

    assertThat(verifyPickup(order.orderId(), 3, "clerk-3", LATER).block(TIMEOUT))
        .containsExactly("PICKED_UP", Long.toString(LATER), "alice");

    assertThat(order(order.orderId())).containsEntry("status", "PICKED_UP")
        .containsEntry("picked_up_at", Long.toString(LATER)).containsEntry("picked_up_by", "clerk-3")
        .containsEntry("version", Long.toString(Long.parseLong(versionBefore) + 1));
    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("OrderPickedUp");
    assertThat(event.data().get("pointId").asLong()).isEqualTo(3);
    assertThat(event.data().get("staff").asString()).isEqualTo("clerk-3");
    assertThat(event.data().get("group").isNull()).isTrue();
    var snapshot = event.data().get("orders").get(0);
    assertThat(snapshot.get("status").asString()).isEqualTo("PICKED_UP");
    assertThat(snapshot.get("pickedUpAt").asLong()).isEqualTo(LATER);
    assertThat(snapshot.get("pointId").asLong()).isEqualTo(3);
  }

  @Test
  void answersASecondScanWithTheFirstPickupAndChangesNothing() {
    givenPoints();
    Reply order = soloAt("alice", "3");
    paid(order);
    verifyPickup(order.orderId(), 3, "clerk-3", LATER).block(TIMEOUT);
    Map<String, String> before = order(order.orderId());
    int events = events().size();

    assertThat(verifyPickup(order.orderId(), 3, "clerk-4", LATER + 5_000).block(TIMEOUT))
        .containsExactly("ALREADY_PICKED_UP", Long.toString(LATER), "alice");

    assertThat(order(order.orderId())).isEqualTo(before);
    assertThat(events()).hasSize(events);
  }

  @Test
  void refusesAnotherPointAndChangesNothing() {
    givenPoints();
    Reply order = soloAt("alice", "3");
    paid(order);
    Map<String, String> before = order(order.orderId());
    int events = events().size();

    assertThat(verifyPickup(order.orderId(), 5, "clerk-5", LATER).block(TIMEOUT))
        .containsExactly("WRONG_POINT", "", "alice");

    assertThat(order(order.orderId())).isEqualTo(before);
    assertThat(events()).hasSize(events);
  }

  @Test
  void refusesAnOrderThatIsNotCollectable() {
    givenPoints();
    Reply unpaid = soloAt("alice", "3");

    assertThat(verifyPickup(unpaid.orderId(), 3, "clerk-3", LATER).block(TIMEOUT))
        .containsExactly("NOT_COLLECTABLE", "RESERVED", "alice");
    assertThat(order(unpaid.orderId())).containsEntry("status", "RESERVED").doesNotContainKey("picked_up_at");
  }

  @Test
  void refusesARefundingOrder() {
    givenPoints();
    Reply late = soloAt("alice", "3");
    expireReservations(PAY_BY, 10).block(TIMEOUT);
    assertThat(confirmPayment(late.orderId(), "tx-late", late.amount(), PAY_BY + 1).block(TIMEOUT))
        .containsExactly("LATE_REFUND", "REFUNDING");

    assertThat(verifyPickup(late.orderId(), 3, "clerk-3", LATER).block(TIMEOUT))
        .containsExactly("NOT_COLLECTABLE", "REFUNDING", "alice");
  }

  @Test
  void answersNotFoundForAnOrderRedisDoesNotHold() {
    givenPoints();

    assertThat(verifyPickup("42-99", 3, "clerk-3", LATER).block(TIMEOUT)).containsExactly("NOT_FOUND", "", "");
    assertThat(eventTypes()).isEmpty();
  }

  @Test
  void answersNotFoundForAnOrderOfARetiredActivityAndChangesNothing() {
    givenPoints();
    Reply order = soloAt("alice", "3");
    paid(order);
    Map<String, String> before = order(order.orderId());
    int events = events().size();
    redis.opsForHash().put(keys.retirement(), "phase", "RETIRED").block(TIMEOUT);

    assertThat(verifyPickup(order.orderId(), 3, "clerk-3", LATER).block(TIMEOUT)).containsExactly("NOT_FOUND", "", "");
    assertThat(order(order.orderId())).isEqualTo(before);
    assertThat(events()).hasSize(events);
  }

  @Test
  void ofTwentySimultaneousScansExactlyOneHandsOut() {
    givenPoints();
    Reply order = soloAt("alice", "3");
    paid(order);

    List<String> outcomes = Flux.fromStream(IntStream.range(0, 20).boxed())
        .flatMap(i -> verifyPickup(order.orderId(), 3, "clerk-" + i, LATER + i), 20)
        .map(reply -> reply.get(0))
        .collectList().block(TIMEOUT);

    assertThat(outcomes).filteredOn("PICKED_UP"::equals).hasSize(1);
    assertThat(outcomes).filteredOn("ALREADY_PICKED_UP"::equals).hasSize(19);
    assertThat(eventTypes()).filteredOn("OrderPickedUp"::equals).hasSize(1);
  }
}
