package dev.flashgroup.engine.activity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.pickup.PointDraft;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.shard.Sharding;
import dev.flashgroup.engine.shard.Shards;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link BucketRebuild} called directly (the warmer does not run here: its round is an hour, and
 * the relay is off, so MySQL never sees an order, as when it lags): what the lost buckets put on
 * sale is exactly what no live bucket holds, when a bucket thought alive is gone too and when MySQL
 * has not seen a live bucket's orders at a point. (Transfers during a rebuild: ShardRebuildTest.)
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class, properties = {"flashgroup.activities.warm-interval=PT1H",
    "flashgroup.shards.rebalance-enabled=false", "flashgroup.relay.enabled=false",
    "flashgroup.payment.sandbox-confirms=false"})
@DirtiesContext
class BucketRebuildTest {

  private static final int SHARDS = 4;
  private static final int STOCK = 40;
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired ActivityScheduling scheduling;
  @Autowired ActivityRebuild rebuild;
  @Autowired Reservations reservations;
  @Autowired PickupPoints points;
  @Autowired Shards shards;
  @Autowired RedisKeys keys;
  @Autowired ReactiveStringRedisTemplate redis;

  private Sharding schedule(int stock, int buckets, Pickup pickup) {
    Activity a = scheduling.schedule("shop-1", new ActivityDraft("Hot duck", Mode.STANDARD, 3, 2990L, 3990L, stock, 5,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1),
            List.of(), null, pickup, null, null, null, buckets))
        .block(PATIENCE);
    return shards.of(a.id()).block(PATIENCE);
  }

  private long field(Sharding s, int bucket, String field) {
    String value = redis.<String, String>opsForHash().get(s.keys(keys, bucket).activity(), field).block(PATIENCE);
    return value == null ? 0 : Long.parseLong(value);
  }

  private long forSale(Sharding s) {
    return IntStream.range(0, s.shards()).mapToLong(b -> field(s, b, "stock")).sum();
  }

  private void lose(Sharding s, int bucket) {
    List<String> all = redis.scan(ScanOptions.scanOptions().match(s.keys(keys, bucket).prefix() + "*").count(1_000)
        .build()).collectList().block(PATIENCE);
    if (!all.isEmpty()) {
      redis.delete(all.toArray(String[]::new)).block(PATIENCE);
    }
  }

  private boolean warm(Sharding s, int bucket) {
    return Boolean.TRUE.equals(redis.hasKey(s.keys(keys, bucket).activity()).block(PATIENCE));
  }

  /**
   * Two instances each rebuild one lost bucket and each thinks the other's alive: counted as
   * holding nothing, each would put the other's units on sale too. Each stops instead (its lease
   * given up, the live buckets thawed), and a rebuild of both together puts exactly the rest on sale.
   */
  @Test
  void aBucketThoughtAliveThatIsGoneStopsTheRebuild() {
    Sharding s = schedule(STOCK, SHARDS, null);
    lose(s, 1);
    lose(s, 2);

    var outcomes = Mono.zip(rebuild.buckets.rebuild(s, List.of(1)).subscribeOn(Schedulers.parallel()),
        rebuild.buckets.rebuild(s, List.of(2)).subscribeOn(Schedulers.parallel())).block(PATIENCE);

    assertThat(List.of(outcomes.getT1(), outcomes.getT2())).containsExactly("ABORTED", "ABORTED");
    assertThat(warm(s, 1) || warm(s, 2)).isFalse();
    for (int b = 0; b < SHARDS; b++) {
      assertThat(redis.hasKey(s.keys(keys, b).rebuild()).block(PATIENCE)).as("lease " + b).isFalse();
      assertThat(redis.hasKey(s.keys(keys, b).transfersFrozen()).block(PATIENCE)).as("freeze " + b).isFalse();
    }

    assertThat(rebuild.buckets.rebuild(s).block(PATIENCE)).isEqualTo("REBUILT");
    assertThat(forSale(s)).isEqualTo(STOCK);
  }

  /**
   * With pickup points, what a live bucket holds at a point is its own figure (point_total:<id>),
   * not MySQL's: here MySQL never saw the live bucket's three orders at East, and the rebuilt bucket
   * still puts only its three East units on sale, so East never sells more than its six.
   */
  @Test
  void aLiveBucketsOrdersAtAPointCountWhenMysqlHasNotSeenThem() {
    PickupPoint east = point("East");
    PickupPoint west = point("West");
    Sharding s = schedule(10, 2, new Pickup(List.of(new Pickup.PointShare(east.id(), 6),
        new Pickup.PointShare(west.id(), 4)), null, false));
    String eastField = RedisKeys.ActivityKeys.pointStockField(east.id());
    List<String> atHome = IntStream.range(0, 1_000).mapToObj(i -> "east-" + i).filter(b -> s.home(b) == 0)
        .limit(3).toList();
    for (String buyer : atHome) {
      assertThat(reservations.buyAlone(s.activity(), buyer, null, east.id()).block(PATIENCE))
          .isInstanceOf(ReservationOutcome.Reserved.class);
    }
    assertThat(field(s, 0, eastField)).isZero();
    lose(s, 1);

    assertThat(rebuild.buckets.rebuild(s).block(PATIENCE)).isEqualTo("REBUILT");

    assertThat(field(s, 1, eastField)).isEqualTo(3);
    assertThat(field(s, 1, RedisKeys.ActivityKeys.pointTotalField(east.id()))).isEqualTo(3);
    assertThat(field(s, 0, eastField) + field(s, 1, eastField) + atHome.size()).isEqualTo(6);
    assertThat(forSale(s)).isEqualTo(10 - atHome.size());
  }

  private PickupPoint point(String name) {
    return points.create(new PointDraft(name, "1 Jiefang Road", "LOCKER", new BigDecimal("24.8108"),
        new BigDecimal("113.5975"), "0751-1234567", "08:00", "20:00", "Asia/Shanghai")).block(PATIENCE);
  }
}
