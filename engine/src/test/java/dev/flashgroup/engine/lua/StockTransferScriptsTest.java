package dev.flashgroup.engine.lua;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.keys.RedisKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.test.StepVerifier;

/**
 * take_stock.lua and give_stock.lua, the two halves of a stock transfer between buckets of a
 * sharded activity, and reserve.lua's numbering in a bucket. The giver is this class's activity,
 * the receiver bucket 1 of it (another hash tag).
 */
class StockTransferScriptsTest extends LuaScriptSupport {

  private final RedisScript<List<?>> takeStock = load("take_stock");
  private final RedisScript<List<?>> giveStock = load("give_stock");
  private final RedisKeys.ActivityKeys receiver = namespaceKeys.of(ACTIVITY, 1);

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RedisScript<List<?>> load(String name) {
    try {
      return (RedisScript) RedisScript.of(new ClassPathResource("lua/" + name + ".lua").getContentAsString(UTF_8),
          List.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<?> take(String id, int most, String point, boolean half) {
    return redis.execute(takeStock, List.of(keys.activity(), keys.transfersOut()),
        List.of(id, Integer.toString(most), point, "1", Long.toString(NOW), half ? "1" : "0")).next().block(TIMEOUT);
  }

  private List<?> give(String id, int units, String point) {
    return redis.execute(giveStock, List.of(receiver.activity(), receiver.transfersIn()),
        List.of(id, Integer.toString(units), point, "3600", restockChannel, ACTIVITY.toString())).next()
        .block(TIMEOUT);
  }

  private void givenReceiver(String... fields) {
    redis.<String, String>opsForHash().putAll(receiver.activity(), java.util.Map.of("stock", "2")).block(TIMEOUT);
    for (int i = 0; i + 1 < fields.length; i += 2) {
      redis.<String, String>opsForHash().put(receiver.activity(), fields[i], fields[i + 1]).block(TIMEOUT);
    }
  }

  @Test
  void takesUnitsAndRecordsTheTransferWithTheGiver() {
    givenWarmActivity();

    assertThat(take("t-1", 4, "", false)).isEqualTo(List.of("TAKEN", "4"));

    assertThat(stock()).isEqualTo(6);
    assertThat(hash(keys.transfersOut()).get("t-1")).matches("1\\|\\|4\\|" + NOW);
  }

  @Test
  void takesAtMostHalfOfWhatIsLeftWhenAskedTo() {
    givenWarmActivity();

    assertThat(take("t-1", 100, "", true)).isEqualTo(List.of("TAKEN", "5"));
    assertThat(take("t-2", 100, "", true)).isEqualTo(List.of("TAKEN", "3"));
    assertThat(stock()).isEqualTo(2);
  }

  @Test
  void takesNothingFromAnEmptyBucketAndNeverGoesBelowZero() {
    givenWarmActivity();
    take("t-1", 100, "", false);

    assertThat(take("t-2", 1, "", false)).isEqualTo(List.of("EMPTY", "0"));
    assertThat(stock()).isZero();
  }

  @Test
  void aReusedTransferIdTakesNothingTwice() {
    givenWarmActivity();
    take("t-1", 3, "", false);

    assertThat(take("t-1", 3, "", false)).isEqualTo(List.of("ALREADY_TAKEN", "3"));
    assertThat(stock()).isEqualTo(7);
  }

  @Test
  void refusesACancelledOrAbsentBucket() {
    assertThat(take("t-1", 3, "", false)).isEqualTo(List.of("NOT_WARM", "0"));
    givenWarmActivity();
    cancelActivity(NOW).block(TIMEOUT);
    assertThat(take("t-2", 3, "", false)).isEqualTo(List.of("CANCELLED", "0"));
  }

  @Test
  void takesAPointsUnitsWithTheStock() {
    givenWarmActivity();
    redis.<String, String>opsForHash().put(keys.activity(), RedisKeys.ActivityKeys.pointStockField(7), "3")
        .block(TIMEOUT);

    assertThat(take("t-1", 5, "7", false)).isEqualTo(List.of("TAKEN", "3"));
    assertThat(stock()).isEqualTo(7);
    assertThat(pointStock(7)).isZero();
  }

  @Test
  void givesTheUnitsOncePerTransferAndAnnouncesTheRestock() {
    givenReceiver(RedisKeys.ActivityKeys.pointStockField(7), "1");

    StepVerifier.create(redis.listenToChannelLater(restockChannel).block(TIMEOUT)
            .map(m -> m.getMessage()).take(1))
        .then(() -> assertThat(give("t-1", 3, "7")).isEqualTo(List.of("GIVEN", "5")))
        .expectNext(ACTIVITY.toString())
        .verifyComplete();
    assertThat(give("t-1", 3, "7")).isEqualTo(List.of("ALREADY_GIVEN", "5"));

    assertThat(hash(receiver.activity())).containsEntry("stock", "5")
        .containsEntry(RedisKeys.ActivityKeys.pointStockField(7), "4");
    assertThat(redis.getExpire(receiver.transfersIn()).block(TIMEOUT)).isPositive();
  }

  @Test
  void givesNothingToABucketThatIsNotWarm() {
    assertThat(give("t-1", 3, "")).isEqualTo(List.of("NOT_WARM", "0"));
    assertThat(redis.hasKey(receiver.transfersIn()).block(TIMEOUT)).isFalse();
  }

  @Test
  void aBucketIsWarmedNumberingFromItsIndexAndEditableBeforeItsFirstReservation() {
    assertThat(warm(ActivitySpec.standard(), List.of("shards", "4", "bucket", "2")).block(TIMEOUT)).isEqualTo("WARMED");

    assertThat(activity()).containsEntry("seq", "2");
    assertThat(editActivity(STARTS_AT - 1_000, "title", "Renamed").block(TIMEOUT)).isEqualTo("EDITED");
  }

  @Test
  void reserveNumbersABucketsOrdersAndGroupsInStepsOfItsShards() {
    assertThat(warm(ActivitySpec.standard(), List.of("shards", "4", "bucket", "2")).block(TIMEOUT)).isEqualTo("WARMED");

    assertThat(boughtAlone("buyer-1").orderId()).isEqualTo("42-6");
    Reply opened = opened("buyer-2");
    assertThat(opened.orderId()).isEqualTo("42-10");
    assertThat(opened.groupId()).isEqualTo("42-14");
  }
}
