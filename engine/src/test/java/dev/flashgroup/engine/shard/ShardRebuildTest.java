package dev.flashgroup.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.Orders;
import dev.flashgroup.engine.payment.PaymentConfirmation;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.reservation.Refusal;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A sharded activity that lost one bucket (a primary restarted empty) or all of them is rebuilt
 * from MySQL by the warmer: the lost buckets' orders and quotas come back, and what they put on sale
 * is exactly what no live bucket holds, so the activity sells out at exactly its stock.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class, properties = {"flashgroup.activities.warm-interval=PT0.2S",
    "flashgroup.shards.rebalance-enabled=false", "flashgroup.payment.sandbox-confirms=false"})
@DirtiesContext
class ShardRebuildTest {

  private static final int SHARDS = 4;
  private static final int STOCK = 40;
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired PaymentNotifications payments;
  @Autowired Orders orders;
  @Autowired Shards shards;
  @Autowired RedisKeys keys;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired DatabaseClient db;
  @Autowired StockTransfers transfers;

  private Sharding schedule() {
    Activity a = scheduling.schedule("shop-1", new ActivityDraft("Hot duck", Mode.STANDARD, 3, 2990L, 3990L, STOCK, 2,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1),
            List.of(), null, null, null, null, null, SHARDS))
        .block(PATIENCE);
    return shards.of(a.id()).block();
  }

  private long stockForSale(Sharding s) {
    return s.all(keys).stream()
        .mapToLong(k -> Long.parseLong(redis.<String, String>opsForHash().get(k.activity(), "stock").block())).sum();
  }

  private void lose(RedisKeys.ActivityKeys bucket) {
    List<String> all = redis.scan(ScanOptions.scanOptions().match(bucket.prefix() + "*").count(1_000).build())
        .collectList().block(PATIENCE);
    redis.delete(all.toArray(String[]::new)).block(PATIENCE);
  }

  /** 16 buyers hold 20 units (4 paid), then one bucket, then every bucket, is lost and rebuilt. */
  @Test
  void lostBucketsAreRebuiltAndTheActivitySellsExactlyItsStock() {
    Sharding s = schedule();
    List<ReservationOutcome.Reserved> held = Flux.range(0, 20)
        .concatMap(i -> reservations.buyAlone(s.activity(), "buyer-" + (i % 16), null))
        .cast(ReservationOutcome.Reserved.class).collectList().block(PATIENCE);
    for (ReservationOutcome.Reserved r : held.subList(0, 4)) {
      assertThat(payments.paid(r.orderId(), "tx-" + r.orderId(), r.amount()).block(PATIENCE))
          .isEqualTo(PaymentConfirmation.PAID);
    }
    await().atMost(PATIENCE).until(() -> rows(s, "") == 20 && rows(s, " AND status = 'SUCCEEDED'") == 4);

    // One primary restarted empty: bucket 1 (and its orders, quotas, timers) is gone.
    ReservationOutcome.Reserved inLost = held.stream().filter(r -> s.bucketOf(r.orderId()) == 1).findFirst()
        .orElseThrow();
    lose(s.keys(keys, 1));
    await().atMost(PATIENCE).until(() -> redis.hasKey(s.keys(keys, 1).activity()).block());
    assertThat(stockForSale(s)).isEqualTo(STOCK - 20);
    assertThat(orders.live(inLost.orderId()).block().status()).isIn(OrderStatus.RESERVED, OrderStatus.SUCCEEDED);

    // Redis lost everything: every bucket rebuilt, still 20 for sale.
    s.all(keys).forEach(this::lose);
    await().atMost(PATIENCE).until(() -> s.all(keys).stream().allMatch(k -> redis.hasKey(k.activity()).block()));
    assertThat(stockForSale(s)).isEqualTo(STOCK - 20);

    // The quota came back in each buyer's home bucket: buyer-0 holds 2 already.
    assertThat(reservations.buyAlone(s.activity(), "buyer-0", null).block())
        .isEqualTo(new ReservationOutcome.Refused(Refusal.LIMIT_REACHED));
    long late = Flux.range(0, 100).flatMap(i -> reservations.buyAlone(s.activity(), "late-" + i, null), 32)
        .filter(ReservationOutcome.Reserved.class::isInstance).count().block(PATIENCE);
    assertThat(late).isEqualTo(STOCK - 20);
    assertThat(stockForSale(s)).isZero();
  }

  private long inFlight(Sharding s) {
    return s.all(keys).stream().flatMap(k -> redis.<String, String>opsForHash().values(k.transfersOut())
            .collectList().block(PATIENCE).stream())
        .mapToLong(record -> StockTransfers.Recorded.parse(record).units()).sum();
  }

  private boolean warm(Sharding s, int bucket) {
    return Boolean.TRUE.equals(redis.hasKey(s.keys(keys, bucket).activity()).block(PATIENCE));
  }

  /**
   * A transfer taken from a bucket that is then lost and rebuilt: its record went with the bucket and
   * its units came back in the rebuild's split, so its give (the taker still held it) adds nothing.
   */
  @Test
  void aTransferTakenBeforeItsGiverWasRebuiltIsNeverGiven() {
    Sharding s = schedule();
    StockTransfers.Taken taken = transfers.take(s.keys(keys, 1), "before-the-loss", 6, "", 2, false)
        .block(PATIENCE);
    assertThat(taken.units()).isEqualTo(6);
    lose(s.keys(keys, 1));
    await().atMost(PATIENCE).until(() -> warm(s, 1));
    assertThat(stockForSale(s)).isEqualTo(STOCK);

    transfers.give(s, 1, 2, "before-the-loss", 6, "", taken.epoch()).block(PATIENCE);

    assertThat(stockForSale(s)).isEqualTo(STOCK);
    // The rebuilt bucket's own transfers are given as ever.
    assertThat(transfers.move(s, 1, 2, null, 3, false).block(PATIENCE)).isEqualTo(3);
    assertThat(stockForSale(s)).isEqualTo(STOCK);
  }

  /**
   * Transfers run without pause between the buckets (some cut short after their take, some to a
   * bucket that is lost) while bucket 1 is lost and rebuilt by the warmer again and again: once the
   * cut transfers are finished, the buckets' stock is exactly the activity's (no unit in flight was
   * counted nowhere, none twice, none given from a bucket rebuilt since its take).
   */
  @Test
  void transfersRunningDuringRebuildsNeverMakeOrLoseAUnit() {
    Sharding s = schedule();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger moved = new AtomicInteger();
    List<Mono<Void>> work = new ArrayList<>();
    // Mostly from a bucket a rebuild reads later to one it reads earlier (it reads 0, 2, 3 in turn).
    int[][] pairs = {{3, 0}, {0, 2}, {2, 0}, {0, 3}, {3, 2}, {2, 3}, {1, 0}, {0, 1}, {3, 1}, {1, 3}};
    for (int m = 0; m < 4; m++) {
      int seed = m;
      AtomicInteger turn = new AtomicInteger();
      work.add(Mono.defer(() -> {
            int t = turn.incrementAndGet() + seed;
            int from = pairs[t % pairs.length][0];
            int to = pairs[t % pairs.length][1];
            Mono<Integer> move = t % 7 == 0
                ? transfers.take(s.keys(keys, from), "cut-" + seed + "-" + t, 2, "", to, true).map(StockTransfers.Taken::units)
                : transfers.move(s, from, to, null, 1, false);
            // BUSY (-1): a bucket frozen by a rebuild or lost; nothing moved.
            return move.doOnNext(n -> moved.addAndGet(Math.max(n, 0))).onErrorResume(e -> Mono.just(0));
          })
          .repeat(running::get)
          .subscribeOn(Schedulers.parallel())
          .then());
    }
    work.add(Flux.range(0, 12)
        .concatMap(i -> Mono.fromRunnable(() -> {
          lose(s.keys(keys, 1));
          await().atMost(PATIENCE).until(() -> warm(s, 1));
        }).subscribeOn(Schedulers.boundedElastic()))
        .doFinally(signal -> running.set(false))
        .then());

    Mono.when(work).block(Duration.ofMinutes(3));

    assertThat(moved.get()).isPositive();
    transfers.finishAll(s).block(PATIENCE);
    assertThat(inFlight(s)).isZero();
    assertThat(stockForSale(s)).isEqualTo(STOCK);
  }

  private long rows(Sharding s, String condition) {
    return db.sql("SELECT COUNT(*) AS n FROM orders WHERE activity_id = :a" + condition)
        .bind("a", s.activity().value()).map(r -> r.get("n", Long.class)).one().block();
  }
}
