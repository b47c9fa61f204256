package dev.flashgroup.engine.lua;

import dev.flashgroup.engine.keys.RedisKeys;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** move_allocation.lua: moves free units of the stock from one pickup point's share to another's. */
class MoveAllocationScriptTest extends LuaScriptSupport {

  /** 10 units: point 3 has 4, point 5 has 6. */
  private void givenPoints() {
    assertThat(warm(ActivitySpec.standard(), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");
  }

  @Test
  void movesFreeUnitsAndLeavesTheStockAlone() {
    givenPoints();

    StepVerifier.create(moveAllocation(3, 5, 3, "c1")).expectNext(List.of("MOVED", "1", "9")).verifyComplete();

    assertThat(List.of(pointStock(3), pointStock(5), stock())).containsExactly(1L, 9L, 10L);
    assertThat(hash(keys.allocationChanges())).containsExactlyEntriesOf(Map.of("c1", "3>5*3"));
  }

  @Test
  void aBucketsPointTotalsMoveWithItsAllocation() {
    assertThat(warm(ActivitySpec.standard(), List.of(RedisKeys.ActivityKeys.pointTotalField(3), "4",
        RedisKeys.ActivityKeys.pointTotalField(5), "6"), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT))
        .isEqualTo("WARMED");

    StepVerifier.create(moveAllocation(3, 5, 3, "c1")).expectNext(List.of("MOVED", "1", "9")).verifyComplete();

    assertThat(activity()).containsEntry(RedisKeys.ActivityKeys.pointTotalField(3), "1")
        .containsEntry(RedisKeys.ActivityKeys.pointTotalField(5), "9");
  }

  @Test
  void aMoveThatTakesTheGivingPointToItsSafetyStockAlertsOncePerCrossing() {
    givenSafetyStocks(7, 2); // point 3: 4 units, safety stock 2

    StepVerifier.create(moveAllocation(3, 5, 1, "c1")).expectNext(List.of("MOVED", "3", "7")).verifyComplete();
    assertThat(stockLows()).isEmpty();
    StepVerifier.create(moveAllocation(3, 5, 1, "c2")).expectNext(List.of("MOVED", "2", "8")).verifyComplete();

    assertThat(stockLows()).hasSize(1);
    Event alert = stockLows().get(0);
    assertThat(alert.data().get("alertId").asString()).matches("M42-[0-9a-f]{16}:3");
    assertThat(alert.data().get("orderId").asString()).matches("move:[0-9a-f]{16}");
    assertThat(alert.data().get("pointId").asLong()).isEqualTo(3);
    assertThat(alert.data().get("remaining").asLong()).isEqualTo(2);
    assertThat(alert.data().get("safetyStock").asLong()).isEqualTo(2);
    assertThat(alerted("3")).isTrue();
    // Still at or below: no second alert, neither from a further move nor from the repeated change.
    moveAllocation(3, 5, 1, "c3").block(TIMEOUT);
    moveAllocation(3, 5, 1, "c2").block(TIMEOUT);
    assertThat(stockLows()).hasSize(1);
    // Units back above the safety stock rearm the point: the next crossing alerts again, under its own id.
    moveAllocation(5, 3, 3, "c4").block(TIMEOUT);
    assertThat(alerted("3")).isFalse();
    moveAllocation(3, 5, 2, "c5").block(TIMEOUT);
    assertThat(stockLows()).hasSize(2).extracting(e -> e.data().get("alertId").asString()).doesNotHaveDuplicates();
  }

  @Test
  void aMoveAlertsTheSameIdForTheSameChange() {
    givenSafetyStocks(7, 2);
    moveAllocation(3, 5, 2, "key:retried").block(TIMEOUT);
    String first = stockLows().get(0).data().get("alertId").asString();

    // Another activity hash, the same change id: the id derives from the change, not from chance.
    redis.delete(keys.activity(), keys.allocationChanges(), keys.events()).block(TIMEOUT);
    givenSafetyStocks(7, 2);
    moveAllocation(3, 5, 2, "key:retried").block(TIMEOUT);

    assertThat(stockLows()).extracting(e -> e.data().get("alertId").asString()).containsExactly(first);
  }

  @Test
  void aRepeatedChangeMovesNothingTwice() {
    givenPoints();
    moveAllocation(3, 5, 3, "c1").block(TIMEOUT);

    StepVerifier.create(moveAllocation(3, 5, 3, "c1")).expectNext(List.of("ALREADY_MOVED", "1", "9")).verifyComplete();

    assertThat(List.of(pointStock(3), pointStock(5))).containsExactly(1L, 9L);
  }

  @Test
  void refusesAChangeIdReusedForAnotherMove() {
    givenPoints();
    moveAllocation(3, 5, 3, "c1").block(TIMEOUT);

    StepVerifier.create(moveAllocation(5, 3, 3, "c1")).expectNext(List.of("CHANGE_REUSED", "0", "0")).verifyComplete();

    assertThat(List.of(pointStock(3), pointStock(5))).containsExactly(1L, 9L);
  }

  @Test
  void refusesToMoveUnitsToAClosedPointAndChangesNothing() {
    givenPoints();
    assertThat(closePoint(5).block(TIMEOUT)).isEqualTo("CLOSED");

    StepVerifier.create(moveAllocation(3, 5, 3, "c1")).expectNext(List.of("POINT_CLOSED", "4", "6")).verifyComplete();

    assertThat(List.of(pointStock(3), pointStock(5))).containsExactly(4L, 6L);
    assertThat(hash(keys.allocationChanges())).isEmpty();
    // Units may still leave a closed point for an open one.
    StepVerifier.create(moveAllocation(5, 3, 2, "c2")).expectNext(List.of("MOVED", "4", "6")).verifyComplete();
  }

  @Test
  void onlyFreeUnitsMove() {
    givenPoints();
    reserve(Kind.SOLO, "buyer-1", NOW, "", null, "3").block(TIMEOUT);
    reserve(Kind.SOLO, "buyer-2", NOW, "", null, "3").block(TIMEOUT);

    StepVerifier.create(moveAllocation(3, 5, 3, "c1")).expectNext(List.of("NOT_ENOUGH", "2", "6")).verifyComplete();
    StepVerifier.create(moveAllocation(3, 5, 2, "c2")).expectNext(List.of("MOVED", "0", "8")).verifyComplete();

    assertThat(reserve(Kind.SOLO, "buyer-3", NOW, "", null, "3").block(TIMEOUT)).isEqualTo(Reply.refused("POINT_SOLD_OUT"));
    assertThat(hash(keys.allocationChanges())).containsOnlyKeys("c2");
  }

  @Test
  void refusesAPointTheActivityDoesNotDeliverTo() {
    givenPoints();

    StepVerifier.create(moveAllocation(3, 7, 1, "c1")).expectNext(List.of("NOT_SERVED", "0", "0")).verifyComplete();

    assertThat(activity()).doesNotContainKey("point:7");
    assertThat(pointStock(3)).isEqualTo(4);
  }

  @Test
  void refusesAMoveInACancelledActivity() {
    givenPoints();
    cancelActivity(NOW).block(TIMEOUT);

    StepVerifier.create(moveAllocation(3, 5, 1, "c1")).expectNext(List.of("CANCELLED", "0", "0")).verifyComplete();

    assertThat(pointStock(3)).isEqualTo(4);
  }

  @Test
  void leavesAnActivityThatIsNotWarmToMySql() {
    StepVerifier.create(moveAllocation(3, 5, 1, "c1")).expectNext(List.of("NOT_WARM", "0", "0")).verifyComplete();

    assertThat(hash(keys.allocationChanges())).isEmpty();
  }

  @Test
  void unitsMovedToAnAlertedPointAboveItsSafetyStockReArmIt() {
    givenSafetyStocks(0, 3);
    boughtAt("3", 1);
    assertThat(alerted("3")).isTrue();

    assertThat(moveAllocation(5, 3, 1, "c1").block(TIMEOUT).get(0)).isEqualTo("MOVED");

    assertThat(pointStock(3)).isEqualTo(4);
    assertThat(alerted("3")).isFalse();
  }

  @Test
  void unitsMovedThatLeaveThePointAtItsSafetyStockKeepItAlerted() {
    givenSafetyStocks(0, 3);
    boughtAt("3", 2);

    assertThat(moveAllocation(5, 3, 1, "c1").block(TIMEOUT).get(0)).isEqualTo("MOVED");

    assertThat(pointStock(3)).isEqualTo(3);
    assertThat(alerted("3")).isTrue();
  }
}
