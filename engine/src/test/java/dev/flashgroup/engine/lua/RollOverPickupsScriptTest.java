package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** roll_over_pickups.lua: uncollected orders roll over to the next day, then go OVERDUE. */
class RollOverPickupsScriptTest extends LuaScriptSupport {

  private static final int MAX_ROLLOVERS = 1;

  @Test
  void takesNothingBeforeTheWindowEnds() {
    givenPickupActivity(true);
    Reply order = collectable("buyer-1");

    StepVerifier.create(rollOverPickups(WINDOW_TO - 1, 10, MAX_ROLLOVERS)).expectNext(List.of(0L, 0L, 0L))
        .verifyComplete();

    assertThat(pickupDeadlines()).containsEntry(order.orderId(), WINDOW_TO);
  }

  @Test
  void rollsAnUncollectedOrderOverToTheSameHoursTheNextDay() {
    givenPickupActivity(true);
    Reply order = collectable("buyer-1");
    String version = order(order.orderId()).get("version");

    StepVerifier.create(rollOverPickups(WINDOW_TO, 10, MAX_ROLLOVERS)).expectNext(List.of(1L, 0L, 0L))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "SUCCEEDED")
        .containsEntry("pickup_from", Long.toString(WINDOW_FROM + DAY_MS))
        .containsEntry("pickup_to", Long.toString(WINDOW_TO + DAY_MS)).containsEntry("rollovers", "1")
        .containsEntry("version", Long.toString(Long.parseLong(version) + 1));
    assertThat(pickupDeadlines()).containsExactlyEntriesOf(Map.of(order.orderId(), WINDOW_TO + DAY_MS));
    assertThat(pickupReminders()).contains(
        Map.entry(order.orderId() + ":1:WINDOW_START", WINDOW_FROM + DAY_MS),
        Map.entry(order.orderId() + ":1:WINDOW_ENDING", WINDOW_TO + DAY_MS - HOUR_MS));
    Event rolled = lastEvent();
    assertThat(rolled.type()).isEqualTo("PickupRolledOver");
    JsonNode snapshot = rolled.data().get("orders").get(0);
    assertThat(List.of(snapshot.get("pickupFrom").asLong(), snapshot.get("pickupTo").asLong(),
        snapshot.get("rollovers").asLong())).containsExactly(WINDOW_FROM + DAY_MS, WINDOW_TO + DAY_MS, 1L);
    assertThat(rolled.data().get("group").isNull()).isTrue();
  }

  @Test
  void makesAnOrderOverdueAfterItsLastRollOver() {
    givenPickupActivity(false);
    Reply order = collectable("buyer-1");
    rollOverPickups(WINDOW_TO, 10, MAX_ROLLOVERS).block(TIMEOUT);

    StepVerifier.create(rollOverPickups(WINDOW_TO + DAY_MS, 10, MAX_ROLLOVERS)).expectNext(List.of(0L, 1L, 0L))
        .verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "OVERDUE").containsEntry("rollovers", "1")
        .containsEntry("overdue_at", Long.toString(WINDOW_TO + DAY_MS));
    assertThat(pickupDeadlines()).isEmpty();
    assertThat(lastEvent().type()).isEqualTo("PickupOverdue");
    assertThat(lastEvent().data().get("orders").get(0).get("status").asString()).isEqualTo("OVERDUE");
  }

  @Test
  void withNoRollOversAllowedAnOrderIsOverdueAtItsFirstWindowsEnd() {
    givenPickupActivity(false);
    Reply order = collectable("buyer-1");

    StepVerifier.create(rollOverPickups(WINDOW_TO, 10, 0)).expectNext(List.of(0L, 1L, 0L)).verifyComplete();

    assertThat(order(order.orderId())).containsEntry("status", "OVERDUE").containsEntry("rollovers", "0");
  }

  @Test
  void dropsAnEntryWhoseOrderIsNoLongerCollectable() {
    givenPickupActivity(false);
    Reply order = collectable("buyer-1");
    // Picked up (pickup-codes' verify_pickup leaves the timer behind), or refunded, or gone.
    redis.opsForHash().put(keys.order(order.orderId()), "status", "PICKED_UP").block(TIMEOUT);
    redis.opsForZSet().add(keys.pickupDeadlines(), "42-99", WINDOW_TO).block(TIMEOUT);
    int before = events().size();

    StepVerifier.create(rollOverPickups(WINDOW_TO, 10, MAX_ROLLOVERS)).expectNext(List.of(0L, 0L, 2L))
        .verifyComplete();

    assertThat(pickupDeadlines()).isEmpty();
    assertThat(events()).hasSize(before);
    assertThat(order(order.orderId())).containsEntry("status", "PICKED_UP");
  }

  @Test
  void takesAtMostOneBatchAndEachEntryOnce() {
    givenPickupActivity(false);
    Reply first = collectable("buyer-1");
    Reply second = collectable("buyer-2");

    StepVerifier.create(rollOverPickups(WINDOW_TO, 1, MAX_ROLLOVERS)).expectNext(List.of(1L, 0L, 0L))
        .verifyComplete();
    StepVerifier.create(rollOverPickups(WINDOW_TO, 1, MAX_ROLLOVERS)).expectNext(List.of(1L, 0L, 0L))
        .verifyComplete();
    StepVerifier.create(rollOverPickups(WINDOW_TO, 1, MAX_ROLLOVERS)).expectNext(List.of(0L, 0L, 0L))
        .verifyComplete();

    assertThat(List.of(order(first.orderId()).get("rollovers"), order(second.orderId()).get("rollovers")))
        .containsExactly("1", "1");
  }
}
