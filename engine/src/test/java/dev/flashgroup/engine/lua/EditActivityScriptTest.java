package dev.flashgroup.engine.lua;

import dev.flashgroup.engine.keys.RedisKeys;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** edit_activity.lua: rewrites the terms of a warm activity until it opens. */
class EditActivityScriptTest extends LuaScriptSupport {

  private static final long BEFORE_START = STARTS_AT - 60_000;

  @Test
  void rewritesTermsBeforeTheStart() {
    givenWarmActivity();

    StepVerifier.create(editActivity(BEFORE_START, "stock", "25", "stock_total", "25", "group_price", "890"))
        .expectNext("EDITED")
        .verifyComplete();

    assertThat(activity())
        .containsEntry("stock", "25")
        .containsEntry("stock_total", "25")
        .containsEntry("group_price", "890")
        .containsEntry("solo_price", Long.toString(SOLO_PRICE))
        .containsEntry("seq", "0");
  }

  @Test
  void anEditReplacesABucketsPointTotals() {
    assertThat(warm(ActivitySpec.standard(), List.of(RedisKeys.ActivityKeys.pointTotalField(3), "4",
        RedisKeys.ActivityKeys.pointTotalField(5), "6"), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT))
        .isEqualTo("WARMED");

    assertThat(editActivity(BEFORE_START, "stock", "7", RedisKeys.ActivityKeys.pointStockField(3), "7",
        RedisKeys.ActivityKeys.pointTotalField(3), "7").block(TIMEOUT)).isEqualTo("EDITED");

    assertThat(activity()).containsEntry(RedisKeys.ActivityKeys.pointTotalField(3), "7")
        .doesNotContainKey(RedisKeys.ActivityKeys.pointTotalField(5))
        .doesNotContainKey(RedisKeys.ActivityKeys.pointStockField(5));
  }

  @Test
  void editingTwiceWithTheSameTermsLeavesTheSameHash() {
    givenWarmActivity();
    editActivity(BEFORE_START, "stock", "25").block(TIMEOUT);
    var once = activity();

    StepVerifier.create(editActivity(BEFORE_START, "stock", "25")).expectNext("EDITED").verifyComplete();

    assertThat(activity()).isEqualTo(once);
  }

  @Test
  void refusesOnceTheActivityStarted() {
    givenWarmActivity();

    StepVerifier.create(editActivity(STARTS_AT, "stock", "25")).expectNext("STARTED").verifyComplete();

    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void refusesOnceAReservationWasMadeEvenIfThisCallersClockSaysNotStarted() {
    givenWarmActivity();
    boughtAlone("buyer-1");

    StepVerifier.create(editActivity(BEFORE_START, "stock", "25", "stock_total", "25")).expectNext("STARTED")
        .verifyComplete();

    assertThat(stock()).isEqualTo(9);
  }

  @Test
  void refusesACancelledActivity() {
    givenWarmActivity();
    cancelActivity(BEFORE_START).block(TIMEOUT);

    StepVerifier.create(editActivity(BEFORE_START, "stock", "25")).expectNext("CANCELLED").verifyComplete();

    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void answersNotFoundForAnActivityNotWarm() {
    StepVerifier.create(editActivity(BEFORE_START, "stock", "25")).expectNext("NOT_FOUND").verifyComplete();

    assertThat(activity()).isEmpty();
  }

  @Test
  void anEditReplacesThePickupAllocation() {
    warm(ActivitySpec.standard(), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT);

    StepVerifier.create(editActivity(BEFORE_START, "stock", "10", "pickup", "1", "point:5", "7", "point:8", "3"))
        .expectNext("EDITED").verifyComplete();

    assertThat(activity()).doesNotContainKey("point:3").containsEntry("point:5", "7").containsEntry("point:8", "3");
  }

  @Test
  void anEditReplacesThePickupWindows() {
    warm(ActivitySpec.standard(), List.of("perishable", "1", "pickup_from", "1", "pickup_to", "2", "window:3", "1:2"),
        new long[] {3, 10}).block(TIMEOUT);

    StepVerifier.create(editActivity(BEFORE_START, "stock", "10", "pickup", "1", "point:3", "10", "perishable", "0",
        "window:3", "5:6")).expectNext("EDITED").verifyComplete();

    assertThat(activity()).doesNotContainKeys("pickup_from", "pickup_to").containsEntry("window:3", "5:6")
        .containsEntry("perishable", "0");
  }

  @Test
  void anEditWithoutSafetyStocksDropsThemAndAnEditWithThemWritesThem() {
    givenSafetyStocks(5, 2);

    StepVerifier.create(editActivity(BEFORE_START, "stock", "10")).expectNext("EDITED").verifyComplete();
    assertThat(activity()).doesNotContainKeys("safety_stock", "safety_stock:3");

    StepVerifier.create(editActivity(BEFORE_START, "safety_stock", "4", "safety_stock:5", "1")).expectNext("EDITED")
        .verifyComplete();
    assertThat(activity()).containsEntry("safety_stock", "4").containsEntry("safety_stock:5", "1")
        .doesNotContainKey("safety_stock:3");
  }
}
