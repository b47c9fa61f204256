package dev.flashgroup.engine.lua;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.keys.RedisKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.test.StepVerifier;

/**
 * take_stock.lua and give_stock.lua, the two halves of a stock transfer between buckets of a
 * sharded activity, touch_transfer.lua (a record written again for a WAIT), and reserve.lua's
 * numbering in a bucket. The giver is this class's activity,
 * the receiver bucket 1 of it (another hash tag).
 */
class StockTransferScriptsTest extends LuaScriptSupport {

  private final RedisScript<List<?>> takeStock = load("take_stock");
  private final RedisScript<List<?>> giveStock = load("give_stock");
  private final RedisScript<List<?>> touchTransfer = load("touch_transfer");
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
    return redis.execute(takeStock, List.of(keys.activity(), keys.transfersOut(), keys.transfersFrozen()),
        List.of(id, Integer.toString(most), point, "1", Long.toString(NOW), half ? "1" : "0")).next().block(TIMEOUT);
  }

  private List<?> give(String id, int units, String point) {
    return give(id, units, point, 0);
  }

  /** Gives as bucket 0 (this class's activity) in its epoch {@code epoch}. */
  private List<?> give(String id, int units, String point, long epoch) {
    return redis.execute(giveStock, List.of(receiver.activity(), receiver.transfersIn(), receiver.transfersFrozen()),
        List.of(id, Integer.toString(units), point, "3600", restockChannel, ACTIVITY + ".1", "0",
            Long.toString(epoch))).next()
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

    assertThat(take("t-1", 4, "", false)).isEqualTo(List.of("TAKEN", "4", "0"));

    assertThat(stock()).isEqualTo(6);
    assertThat(hash(keys.transfersOut()).get("t-1")).isEqualTo("1||4|" + NOW + "|0");
  }

  @Test
  void takesAtMostHalfOfWhatIsLeftWhenAskedTo() {
    givenWarmActivity();

    assertThat(take("t-1", 100, "", true)).isEqualTo(List.of("TAKEN", "5", "0"));
    assertThat(take("t-2", 100, "", true)).isEqualTo(List.of("TAKEN", "3", "0"));
    assertThat(stock()).isEqualTo(2);
  }

  @Test
  void takesNothingFromAnEmptyBucketAndNeverGoesBelowZero() {
    givenWarmActivity();
    take("t-1", 100, "", false);

    assertThat(take("t-2", 1, "", false)).isEqualTo(List.of("EMPTY", "0", "0"));
    assertThat(stock()).isZero();
  }

  @Test
  void aReusedTransferIdTakesNothingTwice() {
    givenWarmActivity();
    take("t-1", 3, "", false);

    assertThat(take("t-1", 3, "", false)).isEqualTo(List.of("ALREADY_TAKEN", "3", "0"));
    assertThat(stock()).isEqualTo(7);
  }

  @Test
  void refusesACancelledOrAbsentBucket() {
    assertThat(take("t-1", 3, "", false)).isEqualTo(List.of("NOT_WARM", "0", "0"));
    givenWarmActivity();
    cancelActivity(NOW).block(TIMEOUT);
    assertThat(take("t-2", 3, "", false)).isEqualTo(List.of("CANCELLED", "0", "0"));
  }

  @Test
  void takesAPointsUnitsWithTheStock() {
    givenWarmActivity();
    redis.<String, String>opsForHash().put(keys.activity(), RedisKeys.ActivityKeys.pointStockField(7), "3")
        .block(TIMEOUT);

    assertThat(take("t-1", 5, "7", false)).isEqualTo(List.of("TAKEN", "3", "0"));
    assertThat(stock()).isEqualTo(7);
    assertThat(pointStock(7)).isZero();
  }

  @Test
  void aTakeOrAGiveOfAPointMovesTheBucketsAllocationThereWithIt() {
    givenWarmActivity();
    put(keys.activity(), RedisKeys.ActivityKeys.pointStockField(7), "3");
    put(keys.activity(), RedisKeys.ActivityKeys.pointTotalField(7), "5");
    givenReceiver(RedisKeys.ActivityKeys.pointStockField(7), "1", RedisKeys.ActivityKeys.pointTotalField(7), "4");

    assertThat(take("t-1", 2, "7", false)).isEqualTo(List.of("TAKEN", "2", "0"));
    assertThat(give("t-1", 2, "7")).isEqualTo(List.of("GIVEN", "4"));

    // Held at the point (total - left) is unchanged on both sides: 2 by the giver, 3 by the receiver.
    assertThat(activity()).containsEntry(RedisKeys.ActivityKeys.pointStockField(7), "1")
        .containsEntry(RedisKeys.ActivityKeys.pointTotalField(7), "3");
    assertThat(hash(receiver.activity())).containsEntry(RedisKeys.ActivityKeys.pointStockField(7), "3")
        .containsEntry(RedisKeys.ActivityKeys.pointTotalField(7), "6");
  }

  @Test
  void aTakeCarriesTheGiversRebuildEpoch() {
    givenWarmActivity();
    put(keys.activity(), RedisKeys.ActivityKeys.EPOCH, "1800000000123");

    assertThat(take("t-1", 2, "", false)).isEqualTo(List.of("TAKEN", "2", "1800000000123"));
    assertThat(hash(keys.transfersOut()).get("t-1")).isEqualTo("1||2|" + NOW + "|1800000000123");
    assertThat(take("t-1", 2, "", false)).isEqualTo(List.of("ALREADY_TAKEN", "2", "1800000000123"));
  }

  @Test
  void takesNothingFromABucketARebuildHasFrozen() {
    givenWarmActivity();
    redis.opsForValue().set(keys.transfersFrozen(), "rebuilder", java.time.Duration.ofSeconds(30)).block(TIMEOUT);

    assertThat(take("t-1", 4, "", false)).isEqualTo(List.of("FROZEN", "0", "0"));
    assertThat(stock()).isEqualTo(10);
    assertThat(redis.hasKey(keys.transfersOut()).block(TIMEOUT)).isFalse();
  }

  @Test
  void givesNothingToABucketARebuildHasFrozen() {
    givenReceiver();
    redis.opsForValue().set(receiver.transfersFrozen(), "rebuilder", java.time.Duration.ofSeconds(30))
        .block(TIMEOUT);

    assertThat(give("t-1", 3, "")).isEqualTo(List.of("FROZEN", "2"));
    assertThat(hash(receiver.activity())).containsEntry("stock", "2");
    assertThat(redis.hasKey(receiver.transfersIn()).block(TIMEOUT)).isFalse();
  }

  @Test
  void refusesForGoodATransferTakenBeforeItsGiverWasRebuilt() {
    givenReceiver(RedisKeys.ActivityKeys.giverEpochField(0), "1800000000123");

    assertThat(give("t-old", 3, "", 0)).isEqualTo(List.of("GIVER_REBUILT", "2"));
    assertThat(give("t-older", 3, "", 1800000000122L)).isEqualTo(List.of("GIVER_REBUILT", "2"));
    assertThat(hash(receiver.activity())).containsEntry("stock", "2");

    assertThat(give("t-new", 3, "", 1800000000123L)).isEqualTo(List.of("GIVEN", "5"));
  }

  private void put(String key, String field, String value) {
    redis.<String, String>opsForHash().put(key, field, value).block(TIMEOUT);
  }

  @Test
  void givesTheUnitsOncePerTransferAndAnnouncesTheRestock() {
    givenReceiver(RedisKeys.ActivityKeys.pointStockField(7), "1");

    StepVerifier.create(redis.listenToChannelLater(restockChannel).block(TIMEOUT)
            .map(m -> m.getMessage()).take(1))
        .then(() -> assertThat(give("t-1", 3, "7")).isEqualTo(List.of("GIVEN", "5")))
        // The receiving bucket is named: instances forget that bucket's emptiness, not the others'.
        .expectNext(ACTIVITY + ".1")
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

  @Test
  void touchWritesARecordAgainUnchangedAndLeavesAGoneOneGone() {
    givenWarmActivity();
    assertThat(take("t-1", 3, "", false)).element(0).isEqualTo("TAKEN");
    String record = redis.<String, String>opsForHash().get(keys.transfersOut(), "t-1").block(TIMEOUT);
    Map<String, String> before = activity();

    assertThat(touch("t-1")).isEqualTo(List.of("TOUCHED"));
    assertThat(redis.<String, String>opsForHash().get(keys.transfersOut(), "t-1").block(TIMEOUT)).isEqualTo(record);
    assertThat(activity()).isEqualTo(before);

    assertThat(touch("t-2")).isEqualTo(List.of("GONE"));
    assertThat(redis.<String, String>opsForHash().hasKey(keys.transfersOut(), "t-2").block(TIMEOUT)).isFalse();
  }

  private List<?> touch(String id) {
    return redis.execute(touchTransfer, List.of(keys.transfersOut()), List.of(id)).next().block(TIMEOUT);
  }
}
