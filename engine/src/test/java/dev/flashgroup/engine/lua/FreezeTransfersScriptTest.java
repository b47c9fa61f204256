package dev.flashgroup.engine.lua;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.keys.RedisKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;
import tools.jackson.databind.json.JsonMapper;

/**
 * freeze_transfers.lua: a rebuild of another bucket reads a live bucket whole and freezes its
 * transfers in one call, proves the freeze held before its FINISH, and thaws it. This class's
 * activity is the live bucket (bucket 0 of 2, points 3 and 5).
 */
class FreezeTransfersScriptTest extends LuaScriptSupport {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long FREEZE_MS = 30_000;

  @SuppressWarnings({"unchecked", "rawtypes"})
  private final RedisScript<List<?>> freeze = (RedisScript) load();

  private List<?> step(String step, String owner, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of(step, owner, Long.toString(FREEZE_MS)));
    args.addAll(List.of(more));
    return redis.execute(freeze,
        List.of(keys.activity(), keys.quota(), keys.transfersOut(), keys.transfersIn(), keys.transfersFrozen()), args)
        .next().block(TIMEOUT);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> frozenRead(String owner) {
    List<?> reply = step("FREEZE", owner);
    assertThat(reply.get(0)).isEqualTo("FROZEN");
    return JSON.readValue(String.valueOf(reply.get(1)), Map.class);
  }

  /** Bucket 0 of 2 with 4 units at point 3 and 6 at point 5; alice and bob hold one each at point 3. */
  private void givenLiveBucket() {
    assertThat(warm(ActivitySpec.standard().withPerUserLimit(10), List.of("shards", "2", "bucket", "0",
            RedisKeys.ActivityKeys.pointTotalField(3), "4", RedisKeys.ActivityKeys.pointTotalField(5), "6",
            RedisKeys.ActivityKeys.EPOCH, "1800000000001", RedisKeys.ActivityKeys.giverEpochField(1), "1800000000007"),
        new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");
    assertThat(reserve(Kind.SOLO, "alice", NOW, "", null, "3").block(TIMEOUT).outcome()).isEqualTo("OK");
    assertThat(reserve(Kind.SOLO, "bob", NOW, "", null, "3").block(TIMEOUT).outcome()).isEqualTo("OK");
  }

  @Test
  void readsTheWholeBucketAndFreezesItsTransfersInOneCall() {
    givenLiveBucket();
    redis.<String, String>opsForHash().put(keys.transfersOut(), "t-1", "1|5|2|" + NOW + "|1800000000001")
        .block(TIMEOUT);

    Map<String, Object> read = frozenRead("rebuilder");

    assertThat(read).containsEntry("stock", 8).containsEntry("held", 2).containsEntry("epoch", 1800000000001L)
        .containsEntry("out", Map.of("t-1", "1|5|2|" + NOW + "|1800000000001"))
        .containsEntry("points", Map.of("3", List.of(2, 4), "5", List.of(6, 6)))
        .containsEntry("epochs", Map.of("1", 1800000000007L));
    assertThat(redis.opsForValue().get(keys.transfersFrozen()).block(TIMEOUT)).isEqualTo("rebuilder");
    assertThat(redis.getExpire(keys.transfersFrozen()).block(TIMEOUT)).isPositive()
        .isLessThanOrEqualTo(Duration.ofMillis(FREEZE_MS));
  }

  @Test
  void aPointWithoutItsTotalIsReadAsUnknown() {
    givenWarmActivity();
    redis.<String, String>opsForHash().put(keys.activity(), RedisKeys.ActivityKeys.pointStockField(3), "4")
        .block(TIMEOUT);

    assertThat(frozenRead("rebuilder")).containsEntry("points", Map.of("3", List.of(4, -1)));
  }

  @Test
  void aBucketWithoutItsHashIsGoneAndNothingIsFrozen() {
    assertThat(step("FREEZE", "rebuilder").get(0)).isEqualTo("GONE");
    assertThat(redis.hasKey(keys.transfersFrozen()).block(TIMEOUT)).isFalse();
  }

  @Test
  void aBucketAnotherRebuilderFrozeIsBusy() {
    givenLiveBucket();
    frozenRead("one");

    assertThat(step("FREEZE", "other").get(0)).isEqualTo("BUSY");
    assertThat(step("CONFIRM", "other", "{\"epochs\":{},\"ids\":[]}").get(0)).isEqualTo("LOST");
    assertThat(redis.opsForValue().get(keys.transfersFrozen()).block(TIMEOUT)).isEqualTo("one");
  }

  @Test
  void confirmingLearnsTheLostBucketsEpochsAndTellsWhichTransfersArrived() {
    givenLiveBucket();
    redis.<String, String>opsForHash().put(keys.transfersIn(), "t-arrived", "2").block(TIMEOUT);
    frozenRead("rebuilder");

    List<?> reply = step("CONFIRM", "rebuilder", "{\"epochs\":{\"1\":1800000009999},\"ids\":[\"t-arrived\",\"t-not\"]}");

    assertThat(reply).isEqualTo(List.of("CONFIRMED", "[\"t-arrived\"]"));
    assertThat(activity()).containsEntry(RedisKeys.ActivityKeys.giverEpochField(1), "1800000009999");
    assertThat(step("CONFIRM", "rebuilder", "{\"epochs\":{},\"ids\":[]}")).isEqualTo(List.of("CONFIRMED", "[]"));
  }

  @Test
  void aFreezeThatRanOutIsLostAndABucketLostSinceIsGone() {
    givenLiveBucket();
    frozenRead("rebuilder");
    redis.delete(keys.transfersFrozen()).block(TIMEOUT);
    assertThat(step("CONFIRM", "rebuilder", "{\"epochs\":{\"1\":5},\"ids\":[]}").get(0)).isEqualTo("LOST");
    assertThat(activity()).containsEntry(RedisKeys.ActivityKeys.giverEpochField(1), "1800000000007");

    frozenRead("rebuilder");
    redis.delete(keys.activity()).block(TIMEOUT);
    assertThat(step("CONFIRM", "rebuilder", "{\"epochs\":{\"1\":5},\"ids\":[]}").get(0)).isEqualTo("GONE");
    assertThat(redis.hasKey(keys.activity()).block(TIMEOUT)).isFalse();
  }

  @Test
  void thawingLiftsOnlyTheRebuildersOwnFreeze() {
    givenLiveBucket();
    frozenRead("one");

    assertThat(step("THAW", "other").get(0)).isEqualTo("THAWED");
    assertThat(redis.hasKey(keys.transfersFrozen()).block(TIMEOUT)).isTrue();
    assertThat(step("THAW", "one").get(0)).isEqualTo("THAWED");
    assertThat(redis.hasKey(keys.transfersFrozen()).block(TIMEOUT)).isFalse();
  }

  private static RedisScript<List> load() {
    try {
      return RedisScript.of(new ClassPathResource("lua/freeze_transfers.lua").getContentAsString(UTF_8), List.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
