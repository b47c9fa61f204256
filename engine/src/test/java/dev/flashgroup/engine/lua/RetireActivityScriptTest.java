package dev.flashgroup.engine.lua;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;

/** retire_activity.lua: nothing retires early, and a retired activity's every key carries the TTL. */
class RetireActivityScriptTest extends LuaScriptSupport {

  private static final long RETAIN_S = 3 * 24 * 3600;
  private static final int BATCH = 100;

  private final RedisScript<String> retireActivity = load();

  @Test
  void answersNotFoundForAnActivityThatIsNotWarm() {
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("NOT_FOUND");
  }

  @Test
  void waitsForTheEndOfTheSale() {
    givenWarmActivity();
    paid(boughtAlone("alice"));
    relayEverything();
    assertThat(retire(ENDS_AT - 1, BATCH)).isEqualTo("NOT_ENDED");
    assertThat(keysWithoutTtl()).contains(keys.activity(), keys.order("42-1"));
  }

  @Test
  void retiresACancelledActivityBeforeItsEnd() {
    givenWarmActivity();
    cancelActivity(NOW).block(TIMEOUT);
    assertThat(retire(NOW, BATCH)).isEqualTo("CHECKED");
    assertThat(retire(NOW, BATCH)).isEqualTo("RETIRED");
  }

  @Test
  void waitsWhileAPaymentDeadlineIsPending() {
    givenWarmActivity();
    boughtAlone("alice");
    relayEverything();
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("DEADLINES_PENDING");
    assertThat(keysWithoutTtl()).contains(keys.order("42-1"));
  }

  @Test
  void waitsWhileAGroupDeadlineIsPending() {
    givenWarmActivity();
    paid(opened("alice"));
    relayEverything();
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("DEADLINES_PENDING");
  }

  @Test
  void waitsWhileAStreamEntryIsUnrelayed() {
    givenWarmActivity();
    paid(boughtAlone("alice"));
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("NOT_RELAYED");
    assertThat(keysWithoutTtl()).contains(keys.order("42-1"));
  }

  @Test
  void waitsWhileARelayedEntryIsUnacknowledged() {
    givenWarmActivity();
    paid(boughtAlone("alice"));
    for (var entry : readAsRelay()) {
      redis.opsForStream().delete(keys.events(), entry.getId()).block(TIMEOUT);
    }
    assertThat(redis.opsForStream().size(keys.events()).block(TIMEOUT)).isZero();
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("NOT_RELAYED");
  }

  @Test
  void waitsWhileARefundIsUnconfirmed() {
    givenWarmActivity();
    LuaScriptSupport.Reply late = boughtAlone("alice");
    expireReservations(PAY_BY, 10).block(TIMEOUT);
    assertThat(confirmPayment(late.orderId(), "tx-late", late.amount(), PAY_BY + 1).block(TIMEOUT))
        .containsExactly("LATE_REFUND", "REFUNDING");
    relayEverything();
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("UNSETTLED");
    assertThat(redis.hasKey(keys.retirement()).block(TIMEOUT)).isFalse();

    confirmRefund(late.orderId(), "RF" + late.orderId(), PAY_BY + 2).block(TIMEOUT);
    relayEverything();
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("CHECKED");
  }

  @Test
  void waitsWhileMoneyReturnedFromASecondPaymentIsUnconfirmed() {
    givenWarmActivity();
    LuaScriptSupport.Reply solo = boughtAlone("alice");
    paid(solo);
    assertThat(confirmPayment(solo.orderId(), "tx-second", solo.amount(), NOW + 2_000).block(TIMEOUT))
        .containsExactly("OTHER_TRANSACTION", "SUCCEEDED");
    relayEverything();
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("UNSETTLED");
  }

  @Test
  void waitsWhileASucceededOrderIsStillToBeHandedOutAtItsPoint() {
    assertThat(warm(ActivitySpec.standard(), new long[] {3, 10}).block(TIMEOUT)).isEqualTo("WARMED");
    LuaScriptSupport.Reply order = reserve(Kind.SOLO, "alice", NOW, "", null, "3").block(TIMEOUT);
    paid(order);
    relayEverything();
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("UNSETTLED");
    assertThat(keysWithoutTtl()).contains(keys.order(order.orderId()));

    assertThat(verifyPickup(order.orderId(), 3, "clerk-3", ENDS_AT).block(TIMEOUT).get(0)).isEqualTo("PICKED_UP");
    relayEverything();
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("CHECKED");
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("RETIRED");
  }

  @Test
  void retiresASettledActivityGivingEveryKeyTheTtl() {
    givenSettledActivity();
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("CHECKED");
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("RETIRED");

    List<String> keysLeft = keysOfTheActivity();
    assertThat(keysLeft).contains(keys.activity(), keys.quota(), keys.events(), keys.order("42-1"),
        keys.order("42-2"), keys.group("42-3"), keys.retirement());
    for (String key : keysLeft) {
      assertThat(redis.getExpire(key).block(TIMEOUT)).as(key).isPositive()
          .isLessThanOrEqualTo(java.time.Duration.ofSeconds(RETAIN_S));
    }
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("ALREADY_RETIRED");
  }

  @Test
  void aBucketWithUnitsInFlightToAnotherWaitsUntilTheTransferIsFinished() {
    givenSettledActivity();
    redis.<String, String>opsForHash().put(keys.transfersOut(), "t-1", "1||3|" + NOW + "|0").block(TIMEOUT);

    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("TRANSFERS_PENDING");
    assertThat(redis.hasKey(keys.retirement()).block(TIMEOUT)).isFalse();

    redis.<String, String>opsForHash().remove(keys.transfersOut(), "t-1").block(TIMEOUT);
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("CHECKED");
  }

  @Test
  void aRetiredBucketsReceivedTransfersExpireWithIt() {
    givenSettledActivity();
    redis.<String, String>opsForHash().put(keys.transfersIn(), "t-1", "3").block(TIMEOUT);
    redis.expire(keys.transfersIn(), java.time.Duration.ofDays(30)).block(TIMEOUT);

    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("CHECKED");
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("RETIRED");
    assertThat(redis.getExpire(keys.transfersIn()).block(TIMEOUT)).isPositive()
        .isLessThanOrEqualTo(java.time.Duration.ofSeconds(RETAIN_S));
  }

  @Test
  void walksTheIdsInBatches() {
    givenSettledActivity();
    List<String> outcomes = new ArrayList<>();
    for (int call = 0; call < 6; call++) {
      outcomes.add(retire(ENDS_AT, 2));
    }
    assertThat(outcomes).containsExactly("CHECKING", "CHECKED", "EXPIRING", "RETIRED", "ALREADY_RETIRED",
        "ALREADY_RETIRED");
  }

  @Test
  void startsCheckingAgainWhenTheStreamMovedBetweenBatches() {
    givenSettledActivity();
    assertThat(retire(ENDS_AT, 1)).isEqualTo("CHECKING");
    confirmPayment("42-1", "tx-second", SOLO_PRICE, ENDS_AT).block(TIMEOUT);
    relayEverything();
    assertThat(retire(ENDS_AT, 1)).isEqualTo("CHANGED");
    assertThat(retire(ENDS_AT, 1)).isEqualTo("UNSETTLED");
    assertThat(keysWithoutTtl()).contains(keys.order("42-1"), keys.activity());
  }

  /** A paid solo order (42-1), its expired opener (42-2) and their group (42-3), failed at its deadline. */
  private void givenSettledActivity() {
    givenWarmActivity();
    paid(boughtAlone("alice"));
    opened("bob");
    expireReservations(PAY_BY, 10).block(TIMEOUT);
    settleGroups(GROUP_DEADLINE, 10).block(TIMEOUT);
    relayEverything();
  }

  private String retire(long now, int batch) {
    return redis.execute(retireActivity,
            List.of(keys.activity(), keys.quota(), keys.paymentDeadlines(), keys.groupDeadlines(), keys.openGroups(),
                keys.events(), keys.stockChanges(), keys.retirement(), keys.pickupDeadlines(), keys.pickupReminders(),
                keys.transfersOut(), keys.transfersIn()),
            List.of(keys.prefix(), Long.toString(now), RELAY_GROUP, Long.toString(RETAIN_S), Integer.toString(batch)))
        .single().block(TIMEOUT);
  }

  /** What the relay does: read with its consumer group, acknowledge, delete. */
  private void relayEverything() {
    for (var entry : readAsRelay()) {
      redis.opsForStream().acknowledge(keys.events(), RELAY_GROUP, entry.getId()).block(TIMEOUT);
      redis.opsForStream().delete(keys.events(), entry.getId()).block(TIMEOUT);
    }
  }

  private List<MapRecord<String, Object, Object>> readAsRelay() {
    List<MapRecord<String, Object, Object>> entries = redis.opsForStream()
        .read(Consumer.from(RELAY_GROUP, "test-relay"), StreamOffset.create(keys.events(), ReadOffset.lastConsumed()))
        .collectList().block(TIMEOUT);
    return entries == null ? List.of() : entries;
  }

  private List<String> keysOfTheActivity() {
    return redis.scan(ScanOptions.scanOptions().match(keys.prefix() + "*").count(1_000).build())
        .collectList().block(TIMEOUT);
  }

  private List<String> keysWithoutTtl() {
    return keysOfTheActivity().stream()
        .filter(key -> redis.getExpire(key).block(TIMEOUT).isNegative() || redis.getExpire(key).block(TIMEOUT).isZero())
        .toList();
  }

  private static RedisScript<String> load() {
    try {
      return RedisScript.of(new ClassPathResource("lua/retire_activity.lua").getContentAsString(UTF_8), String.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void waitsForPickupWindowsAndRemindersStillPending() {
    givenWarmActivity();
    redis.opsForZSet().add(keys.pickupDeadlines(), "42-1", ENDS_AT + 1).block(TIMEOUT);

    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("DEADLINES_PENDING");

    redis.delete(keys.pickupDeadlines()).block(TIMEOUT);
    redis.opsForZSet().add(keys.pickupReminders(), "42-1:0:WINDOW_START", ENDS_AT + 1).block(TIMEOUT);
    assertThat(retire(ENDS_AT, BATCH)).isEqualTo("DEADLINES_PENDING");
  }
}
