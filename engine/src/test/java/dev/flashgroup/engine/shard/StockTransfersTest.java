package dev.flashgroup.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stock moving between the buckets of a sharded activity (take in one bucket, give in another):
 * the rebalancer evens drifted buckets, a transfer cut short between its two steps is finished
 * once, and transfers racing with buyers (some of them "crashing" after the take) never sell more
 * than the stock.
 */
@IsolatedServices
// No rebalancer of its own; a lease (rebalance-every) long enough for a loaded machine's rounds.
@SpringBootTest(classes = TestEngineApplication.class, properties = {"flashgroup.shards.rebalance-enabled=false",
    "flashgroup.shards.rebalance-every=PT30S", "flashgroup.activities.warm-interval=PT0.5S"})
@DirtiesContext
class StockTransfersTest {

  private static final int SHARDS = 4;

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired StockTransfers transfers;
  @Autowired Rebalancer rebalancer;
  @Autowired Shards shards;
  @Autowired RedisKeys keys;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired WarmActivities warm;
  @Autowired ShardSettings settings;
  @Autowired Clock clock;

  private Sharding schedule(int stock) {
    Activity a = scheduling.schedule("shop-1", new ActivityDraft("Hot duck", Mode.STANDARD, 3, 2990L, 3990L, stock, 1,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1),
            List.of(), null, null, null, null, null, SHARDS))
        .block(Duration.ofSeconds(10));
    return shards.of(a.id()).block();
  }

  private List<Integer> stocks(Sharding s) {
    return s.all(keys).stream()
        .map(k -> Integer.parseInt(redis.<String, String>opsForHash().get(k.activity(), "stock").block()))
        .toList();
  }

  private long inFlight(Sharding s) {
    return s.all(keys).stream()
        .mapToLong(k -> redis.<String, String>opsForHash().values(k.transfersOut())
            .map(v -> StockTransfers.Recorded.parse(v).units()).reduce(0, Integer::sum).block())
        .sum();
  }

  @Test
  void theRebalancerEvensDriftedBuckets() {
    Sharding s = schedule(40);
    for (int from = 1; from < SHARDS; from++) {
      assertThat(transfers.move(s, from, 0, null, 8, false).block()).isEqualTo(8);
    }
    assertThat(stocks(s)).containsExactly(34, 2, 2, 2);

    for (int round = 0; round < 10; round++) {
      rebalancer.rebalance(s).block();
    }

    List<Integer> after = stocks(s);
    assertThat(after.stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
    assertThat(after.stream().mapToInt(Integer::intValue).max().orElseThrow()
        - after.stream().mapToInt(Integer::intValue).min().orElseThrow()).isLessThanOrEqualTo(2);
    assertThat(inFlight(s)).isZero();
  }

  /**
   * Two instances' rebalancers look at the same drifted activity at the same moment: one round
   * holds the activity's lease, the other leaves it, so the drift is evened once (without the lease
   * both would move half of the same drift, reversing it).
   */
  @Test
  void twoRebalancersOnTheSameDriftedActivityEvenItOnce() {
    Sharding s = schedule(40);
    for (int from = 1; from < SHARDS; from++) {
      assertThat(transfers.move(s, from, 0, null, 8, false).block()).isEqualTo(8);
    }
    Rebalancer other = new Rebalancer(redis, keys, warm, shards, transfers, settings, clock);

    var moved = Mono.zip(rebalancer.roundOf(s), other.roundOf(s)).block(Duration.ofSeconds(20));

    assertThat(List.of(moved.getT1(), moved.getT2())).containsExactlyInAnyOrder(16, 0);
    assertThat(stocks(s)).containsExactly(18, 18, 2, 2);
    assertThat(inFlight(s)).isZero();
    // The lease is the activity's, not an instance's: the first instance's next round within it waits too.
    assertThat(rebalancer.roundOf(s).block()).isZero();
  }

  @Test
  void aTransferCutShortAfterItsTakeIsFinishedOnce() {
    Sharding s = schedule(40);
    // The taker "crashes" right after take_stock: the units are for sale nowhere, recorded with the giver.
    assertThat(transfers.take(s.keys(keys, 1), "crashed-1", 6, "", 2, false).block().units()).isEqualTo(6);
    assertThat(stocks(s)).containsExactly(10, 4, 10, 10);
    assertThat(inFlight(s)).isEqualTo(6);

    // Not yet old enough for the rebalancer: left alone.
    assertThat(transfers.finishLeftBehind(s).block()).isZero();
    long later = System.currentTimeMillis() + 1;
    assertThat(transfers.finishLeftBehind(s, later).block()).isEqualTo(1);
    // A second finisher (another instance, or a retry after a lost reply) gives nothing twice.
    transfers.give(s, 1, 2, "crashed-1", 6, "", 0).block();
    assertThat(transfers.finishLeftBehind(s, later).block()).isZero();

    assertThat(stocks(s)).containsExactly(10, 4, 16, 10);
    assertThat(inFlight(s)).isZero();
  }

  /**
   * 600 buyers (limit 1) for 120 units while transfers run between random buckets and a third of
   * them stop after their take: at no point is more than the stock sold, and once the cut-short
   * transfers are finished and the last buyers come, exactly the stock is sold and every bucket is empty.
   */
  @Test
  void transfersRacingWithBuyersNeverSellMoreThanTheStock() {
    int stock = 120;
    Sharding s = schedule(stock);
    AtomicInteger crashed = new AtomicInteger();
    List<Mono<?>> work = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      work.add(reservations.buyAlone(s.activity(), "buyer-" + i, null));
    }
    for (int i = 0; i < 90; i++) {
      int from = i % SHARDS;
      int to = (i + 1 + i / SHARDS) % SHARDS;
      if (from == to) {
        continue;
      }
      work.add(i % 3 == 0
          ? transfers.take(s.keys(keys, from), "cut-" + i, 3, "", to, true).map(StockTransfers.Taken::units).doOnNext(n -> crashed.addAndGet(n))
          : transfers.move(s, from, to, null, 3, true));
    }
    java.util.Collections.shuffle(work);
    List<Object> outcomes = Flux.fromIterable(work).flatMap(m -> m.cast(Object.class), 128).collectList().block(Duration.ofSeconds(90));
    long sold = outcomes.stream().filter(ReservationOutcome.Reserved.class::isInstance).count();

    assertThat(sold + stocks(s).stream().mapToInt(Integer::intValue).sum() + inFlight(s)).isEqualTo(stock);
    assertThat(inFlight(s)).isEqualTo(crashed.get());

    assertThat(transfers.finishLeftBehind(s, System.currentTimeMillis() + 1).block()).isPositive();
    // Late buyers in rounds until the stock is gone: an instance that knew a bucket empty refuses it
    // until the finished transfer's restock message (naming that bucket) reaches it.
    AtomicInteger round = new AtomicInteger();
    AtomicLong late = new AtomicLong();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      int r = round.incrementAndGet();
      late.addAndGet(Flux.range(0, 100).flatMap(i -> reservations.buyAlone(s.activity(), "late-" + r + "-" + i, null), 64)
          .filter(ReservationOutcome.Reserved.class::isInstance).count().block(Duration.ofSeconds(60)));
      return sold + late.get() >= stock;
    });

    assertThat(sold + late.get()).isEqualTo(stock);
    assertThat(stocks(s)).containsOnly(0);
    assertThat(inFlight(s)).isZero();
  }

  /**
   * An activity that is over retires although a transfer was cut short after its take: retirement
   * finishes it first (the units land in their receiver), and no transfer key outlives the buckets
   * (every key left carries the retention TTL).
   */
  @Test
  void aShardedActivityWithATransferInFlightRetiresOnceItIsFinished() {
    Instant now = Instant.now();
    Activity a = scheduling.schedule("shop-1", new ActivityDraft("Lychees", Mode.STANDARD, 2, 100L, 200L, 20, 1,
            now.minusSeconds(1), now.plusSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(2), List.of(), null, null,
            null, null, null, SHARDS))
        .block(Duration.ofSeconds(10));
    Sharding s = shards.of(a.id()).block();
    assertThat(transfers.take(s.keys(keys, 0), "cut-at-the-end", 3, "", 1, false).block().units()).isEqualTo(3);
    assertThat(inFlight(s)).isEqualTo(3);

    await().atMost(Duration.ofSeconds(60)).until(() -> redis.opsForSet().members(keys.warmActivities(a.id()))
        .filter(member -> member.startsWith(a.id() + ".")).count().block() == 0);

    assertThat(stocks(s)).containsExactly(2, 8, 5, 5);
    for (RedisKeys.ActivityKeys k : s.all(keys)) {
      assertThat(redis.hasKey(k.transfersOut()).block()).as(k.transfersOut()).isFalse();
      List<String> left = redis.scan(ScanOptions.scanOptions().match(k.prefix() + "*").count(1_000).build())
          .collectList().block();
      assertThat(left).contains(k.activity());
      for (String key : left) {
        assertThat(redis.getExpire(key).block()).as(key).isPositive();
      }
    }
    assertThat(redis.getExpire(s.keys(keys, 1).transfersIn()).block()).isPositive()
        .isLessThanOrEqualTo(Duration.ofDays(7));
  }
}
