package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.ReactiveSubscription;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** add_stock.lua: adds units to a warm activity, once per change id, and announces the restock. */
class AddStockScriptTest extends LuaScriptSupport {

  @Test
  void addsUnitsForSaleAndToTheTotal() {
    givenWarmActivity();
    boughtAlone("buyer-1");

    StepVerifier.create(addStock("5", "change-1", NOW)).expectNext(List.of("ADDED", "14", "15")).verifyComplete();

    assertThat(activity()).containsEntry("stock", "14").containsEntry("stock_total", "15");
    assertThat(hash(keys.stockChanges())).containsEntry("change-1", "15");
    assertThat(redis.getExpire(keys.stockChanges()).block(TIMEOUT)).isPositive();
  }

  @Test
  void aRetriedChangeAddsNothingTwice() {
    givenWarmActivity();
    addStock("5", "change-1", NOW).block(TIMEOUT);
    boughtAlone("buyer-1");

    StepVerifier.create(addStock("5", "change-1", NOW)).expectNext(List.of("ALREADY_ADDED", "14", "15"))
        .verifyComplete();

    assertThat(activity()).containsEntry("stock", "14").containsEntry("stock_total", "15");
  }

  @Test
  void aRetryAfterAnotherChangeAnswersTheCurrentTotal() {
    givenWarmActivity();
    addStock("5", "change-1", NOW).block(TIMEOUT);
    addStock("3", "change-2", NOW).block(TIMEOUT);

    StepVerifier.create(addStock("5", "change-1", NOW)).expectNext(List.of("ALREADY_ADDED", "18", "18"))
        .verifyComplete();
  }

  @Test
  void publishesTheActivityOnTheRestockChannel() {
    givenWarmActivity();
    Flux<String> messages = redis.listenToChannelLater(restockChannel).block(TIMEOUT)
        .map(ReactiveSubscription.Message::getMessage);

    StepVerifier.create(messages.take(1))
        .then(() -> addStock("5", "change-1", NOW).block(TIMEOUT))
        .expectNext(ACTIVITY.toString())
        .expectComplete()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void refusesNonPositiveOrFractionalUnits() {
    givenWarmActivity();

    for (String units : List.of("0", "-3", "1.5", "many")) {
      StepVerifier.create(addStock(units, "change-" + units, NOW)).expectNext(List.of("INVALID_UNITS", "0", "0"))
          .verifyComplete();
    }
    assertThat(activity()).containsEntry("stock", "10").containsEntry("stock_total", "10");
  }

  @Test
  void refusesACancelledActivity() {
    givenWarmActivity();
    cancelActivity(NOW).block(TIMEOUT);

    StepVerifier.create(addStock("5", "change-1", NOW)).expectNext(List.of("CANCELLED", "0", "0")).verifyComplete();

    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void refusesAnEndedActivity() {
    givenWarmActivity();

    StepVerifier.create(addStock("5", "change-1", ENDS_AT)).expectNext(List.of("ENDED", "0", "0")).verifyComplete();

    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void remembersAChangeOfAnActivityNotWarmWithTheTotalsBeforeAndAfter() {
    StepVerifier.create(addStock("5", "change-1", NOW, 20)).expectNext(List.of("NOT_WARM", "25", "25"))
        .verifyComplete();

    assertThat(activity()).isEmpty();
    assertThat(hash(keys.stockChanges())).containsEntry("change-1", "20:25");
  }

  @Test
  void aRetriedChangeOfAnActivityNotWarmAnswersItsTotalsAndRemembersNothingNew() {
    addStock("5", "change-1", NOW, 20).block(TIMEOUT);

    StepVerifier.create(addStock("5", "change-1", NOW, 25)).expectNext(List.of("ALREADY_NOT_WARM", "20", "25"))
        .verifyComplete();

    assertThat(hash(keys.stockChanges())).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("change-1", "20:25", "change-1#units", "5"));
  }

  @Test
  void refusesBadUnitsForAnActivityNotWarm() {
    StepVerifier.create(addStock("0", "change-1", NOW, 20)).expectNext(List.of("INVALID_UNITS", "0", "0"))
        .verifyComplete();

    assertThat(hash(keys.stockChanges())).isEmpty();
  }

  @Test
  void refusesATotalBeyondTheBoundAndAddsNothing() {
    givenWarmActivity();

    StepVerifier.create(addStock(Integer.toString(MAX_STOCK_TOTAL - 9), "change-1", NOW))
        .expectNext(List.of("TOO_MUCH_STOCK", "10", "10")).verifyComplete();
    StepVerifier.create(addStock(Integer.toString(MAX_STOCK_TOTAL - 10), "change-2", NOW))
        .expectNext(List.of("ADDED", Integer.toString(MAX_STOCK_TOTAL), Integer.toString(MAX_STOCK_TOTAL)))
        .verifyComplete();

    assertThat(hash(keys.stockChanges())).doesNotContainKey("change-1");
  }

  @Test
  void refusesATotalBeyondTheBoundWhileNotWarm() {
    StepVerifier.create(addStock("2", "change-1", NOW, MAX_STOCK_TOTAL - 1))
        .expectNext(List.of("TOO_MUCH_STOCK", Integer.toString(MAX_STOCK_TOTAL - 1), Integer.toString(MAX_STOCK_TOTAL - 1)))
        .verifyComplete();

    assertThat(hash(keys.stockChanges())).isEmpty();
  }

  @Test
  void refusesTheSameChangeIdWithOtherUnits() {
    givenWarmActivity();
    addStock("5", "change-1", NOW).block(TIMEOUT);

    StepVerifier.create(addStock("6", "change-1", NOW)).expectNext(List.of("CHANGE_REUSED", "0", "0"))
        .verifyComplete();

    assertThat(activity()).containsEntry("stock", "15").containsEntry("stock_total", "15");
  }

  @Test
  void unitsAddedAboveTheSafetyStockReArmTheActivitysAlert() {
    givenSafetyStocks(9, 0);
    boughtAt("5", 1);
    assertThat(alerted("")).isTrue();

    assertThat(addStock("1", "c1", NOW).block(TIMEOUT).get(0)).isEqualTo("ADDED");

    assertThat(alerted("")).isFalse();
    boughtAt("5", 1);
    assertThat(stockLows()).hasSize(2);
  }

  @Test
  void unitsAddedThatLeaveTheStockAtItsSafetyStockKeepItAlerted() {
    givenSafetyStocks(8, 0);
    boughtAt("5", 3);

    assertThat(addStock("1", "c1", NOW).block(TIMEOUT).get(0)).isEqualTo("ADDED");

    assertThat(stock()).isEqualTo(8);
    assertThat(alerted("")).isTrue();
  }
}
