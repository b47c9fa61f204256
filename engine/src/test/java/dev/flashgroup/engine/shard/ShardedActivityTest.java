package dev.flashgroup.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityChanges;
import dev.flashgroup.engine.activity.ActivityFigures;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.group.Groups;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.progress.ActivityProgress;
import dev.flashgroup.engine.progress.ProgressFeeds;
import reactor.test.StepVerifier;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.Orders;
import dev.flashgroup.engine.payment.PaymentConfirmation;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.reservation.Refusal;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.OrderRows;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A hot activity split into 4 buckets on the one Redis of the tests (each bucket its own hash tag):
 * exact counts under contention with the per-user limit held across buckets, groups within a
 * bucket, payment and expiry routed to the order's bucket. The rebalancer is off here (its own
 * tests are in {@code StockTransfersTest} and the acceptance test).
 */
@IsolatedServices
// No rebalancer: a test that makes a bucket dry on purpose must not see it refilled in the meantime.
@SpringBootTest(classes = TestEngineApplication.class, properties = "flashgroup.shards.rebalance-enabled=false")
@DirtiesContext
class ShardedActivityTest {

  private static final int SHARDS = 4;

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired PaymentNotifications payments;
  @Autowired Orders orders;
  @Autowired ActivityFigures figures;
  @Autowired Shards shards;
  @Autowired RedisKeys keys;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired DatabaseClient db;
  @Autowired ProgressFeeds feeds;
  @Autowired ActivityChanges changes;
  @Autowired Groups groups;
  @Autowired StockTransfers transfers;

  private Activity schedule(Mode mode, int stock, int limit, Duration payWindow) {
    return scheduling.schedule("shop-1", new ActivityDraft("Hot duck", mode, 3, 2990L, 3990L, stock, limit,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), payWindow,
            List.of(), null, null, null, null, null, SHARDS))
        .block(Duration.ofSeconds(10));
  }

  private List<Integer> bucketStocks(Activity a) {
    return keys.buckets(a.id(), SHARDS).stream()
        .map(k -> Integer.parseInt(redis.<String, String>opsForHash().get(k.activity(), "stock").block()))
        .toList();
  }

  @Test
  void splitsTheStockIntoBucketsWithTagsOfTheirOwn() {
    Activity a = schedule(Mode.STANDARD, 10, 1, Duration.ofHours(1));
    assertThat(a.shards()).isEqualTo(SHARDS);
    assertThat(keys.of(a.id(), 3).activity()).isEqualTo(keys.of(a.id()).prefix().replace("}", ".3}") + "activity");
    assertThat(bucketStocks(a)).containsExactly(3, 3, 2, 2);
    assertThat(figures.remainingStock(a).block()).isEqualTo(10);
  }

  /** A safety stock is split over the buckets like the stock: each bucket alerts at its own share. */
  @Test
  void splitsTheSafetyStockLikeTheStock() {
    Activity a = scheduling.schedule("shop-1", new ActivityDraft("Hot duck", Mode.STANDARD, 3, 2990L, 3990L, 10, 1,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1),
            List.of(), null, null, null, null, 6, SHARDS))
        .block(Duration.ofSeconds(10));
    assertThat(keys.buckets(a.id(), SHARDS).stream()
        .map(k -> redis.<String, String>opsForHash().get(k.activity(), RedisKeys.ActivityKeys.SAFETY_STOCK).block())
        .toList()).containsExactly("2", "2", "1", "1");
  }

  /**
   * 300 buyers, a limit of 2, each trying 3 solo buys and 1 match at once for 200 units in 4
   * buckets: exactly 200 sold, every bucket at 0, nobody over 2 units, every order in MySQL.
   */
  @Test
  void sellsExactlyTheStockAcrossBucketsAndHoldsTheLimit() {
    int stock = 200;
    int limit = 2;
    Activity a = schedule(Mode.STANDARD, stock, limit, Duration.ofHours(1));
    List<Mono<ReservationOutcome>> rush = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String buyer = "buyer-" + i;
      for (int t = 0; t < 3; t++) {
        rush.add(reservations.buyAlone(a.id(), buyer, null));
      }
      rush.add(reservations.match(a.id(), buyer, null));
    }
    Collections.shuffle(rush);
    List<ReservationOutcome> outcomes = Flux.fromIterable(rush).flatMap(m -> m, 256)
        .collectList().block(Duration.ofSeconds(90));

    List<ReservationOutcome.Reserved> accepted = outcomes.stream().filter(ReservationOutcome.Reserved.class::isInstance)
        .map(ReservationOutcome.Reserved.class::cast).toList();
    Set<String> refusals = outcomes.stream().filter(ReservationOutcome.Refused.class::isInstance)
        .map(o -> ((ReservationOutcome.Refused) o).reason().name()).collect(Collectors.toSet());
    assertThat(accepted).hasSize(stock);
    assertThat(refusals).isSubsetOf("SOLD_OUT", "LIMIT_REACHED", "ALREADY_IN_GROUP");
    assertThat(bucketStocks(a)).containsOnly(0);
    Sharding sharding = shards.of(a.id()).block();

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> OrderRows.ids(db, a).size() == stock);
    Set<String> ids = accepted.stream().map(ReservationOutcome.Reserved::orderId).collect(Collectors.toSet());
    assertThat(Set.copyOf(OrderRows.ids(db, a))).isEqualTo(ids);
    List<Long> perBuyer = db.sql("SELECT COUNT(*) AS n FROM orders WHERE activity_id = :a GROUP BY buyer_id")
        .bind("a", a.id().value()).map(r -> r.get("n", Long.class)).all().collectList().block();
    assertThat(perBuyer).allMatch(n -> n <= limit);
    // Each order lives in its buyer's home bucket, the bucket its id names.
    List<String> wrongBucket = db.sql("SELECT id, buyer_id FROM orders WHERE activity_id = :a")
        .bind("a", a.id().value())
        .map(r -> sharding.bucketOf(r.get("id", String.class)) == sharding.home(r.get("buyer_id", String.class))
            ? "" : r.get("id", String.class))
        .all().filter(s -> !s.isEmpty()).collectList().block();
    assertThat(wrongBucket).isEmpty();
  }

  /**
   * A buyer whose home bucket is empty: reserve.lua answers SOLD_OUT there, units are moved home
   * from the next bucket and the reservation is tried again: a second reserve.lua call, but the
   * same request, so one attempt of the buyer's 5 a second (the retry passes no limit).
   */
  @Test
  void aRetryAfterStockIsMovedHomeIsNoSecondAttempt() {
    Activity a = schedule(Mode.STANDARD, 40, 4, Duration.ofHours(1));
    Sharding sharding = shards.of(a.id()).block();
    String buyer = "spiller";
    int home = sharding.home(buyer);
    int next = (home + 1) % SHARDS;
    assertThat(transfers.move(sharding, home, next, null, Integer.MAX_VALUE, false).block()).isEqualTo(10);

    ReservationOutcome outcome = reservations.buyAlone(a.id(), buyer, null).block();

    assertThat(outcome).isInstanceOf(ReservationOutcome.Reserved.class);
    assertThat(sharding.bucketOf(((ReservationOutcome.Reserved) outcome).orderId())).isEqualTo(home);
    // Half of the next bucket's 20 came home, one of them sold.
    assertThat(bucketStocks(a).get(home)).isEqualTo(9);
    assertThat(redis.opsForValue().get(sharding.keys(keys, home).attempts(buyer)).block()).isEqualTo("1");
  }

  /**
   * A buyer whose home bucket is dry while every other bucket is frozen by a rebuild (each
   * transfer refused FROZEN): not SOLD_OUT, which the instance would then learn for the whole
   * activity, but 503 (try again); once the freeze is gone the same buyer is served.
   */
  @Test
  void aDryHomeWhileTheOtherBucketsAreFrozenIsUnavailableNotSoldOut() {
    Activity a = schedule(Mode.STANDARD, 40, 4, Duration.ofHours(1));
    Sharding sharding = shards.of(a.id()).block();
    String buyer = "patient";
    int home = sharding.home(buyer);
    int next = (home + 1) % SHARDS;
    assertThat(transfers.move(sharding, home, next, null, Integer.MAX_VALUE, false).block()).isEqualTo(10);
    List<String> freezes = IntStream.range(0, SHARDS).filter(b -> b != home)
        .mapToObj(b -> sharding.keys(keys, b).transfersFrozen()).toList();
    Flux.fromIterable(freezes).concatMap(k -> redis.opsForValue().set(k, "a-rebuilder", Duration.ofMinutes(1)))
        .blockLast();

    ReservationOutcome outcome = reservations.buyAlone(a.id(), buyer, null).block();

    assertThat(outcome).isInstanceOf(ReservationOutcome.Unavailable.class);
    assertThat(bucketStocks(a).stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);

    // Had the instance learnt SOLD_OUT (it keeps that a second), this would be refused without Redis.
    Flux.fromIterable(freezes).concatMap(redis::delete).blockLast();
    assertThat(reservations.buyAlone(a.id(), buyer, null).block()).isInstanceOf(ReservationOutcome.Reserved.class);
  }

  @Test
  void matchesWithinTheBuyersBucketAndRefusesAJoinFromAnotherBucket() {
    Activity a = schedule(Mode.FLASH, 40, 1, Duration.ofHours(1));
    Sharding sharding = shards.of(a.id()).block();
    List<String> buyers = IntStream.range(0, 24).mapToObj(i -> "flash-" + i).toList();
    List<ReservationOutcome.Reserved> matched = Flux.fromIterable(buyers)
        .concatMap(b -> reservations.match(a.id(), b, null)).cast(ReservationOutcome.Reserved.class)
        .collectList().block();
    assertThat(matched).hasSize(24);
    Map<String, Set<Integer>> bucketsOfGroup = new java.util.HashMap<>();
    for (int i = 0; i < buyers.size(); i++) {
      String group = matched.get(i).groupId();
      assertThat(sharding.bucketOf(group)).isEqualTo(sharding.home(buyers.get(i)));
      bucketsOfGroup.computeIfAbsent(group, g -> new java.util.HashSet<>()).add(sharding.home(buyers.get(i)));
    }
    assertThat(bucketsOfGroup.values()).allMatch(set -> set.size() == 1);
    // At most one half-full group per bucket: 24 buyers, groups of 3.
    long notFull = matched.stream().collect(Collectors.groupingBy(ReservationOutcome.Reserved::groupId,
        Collectors.counting())).values().stream().filter(n -> n < 3).count();
    assertThat(notFull).isLessThanOrEqualTo(SHARDS);

    String group = matched.get(0).groupId();
    String stranger = IntStream.range(0, 100).mapToObj(i -> "stranger-" + i)
        .filter(b -> sharding.home(b) != sharding.bucketOf(group)).findFirst().orElseThrow();
    assertThat(reservations.joinGroup(group, stranger, null).block())
        .isEqualTo(new ReservationOutcome.Refused(Refusal.GROUP_IN_OTHER_SHARD));
  }

  @Test
  void paysAndExpiresInTheOrdersBucket() {
    Activity a = schedule(Mode.STANDARD, 8, 1, Duration.ofSeconds(2));
    List<ReservationOutcome.Reserved> sold = Flux.range(0, 8)
        .concatMap(i -> reservations.buyAlone(a.id(), "payer-" + i, null)).cast(ReservationOutcome.Reserved.class)
        .collectList().block();
    assertThat(sold).hasSize(8);
    assertThat(bucketStocks(a)).containsOnly(0);
    ReservationOutcome.Reserved paid = sold.get(0);
    assertThat(payments.paid(paid.orderId(), "tx-1", paid.amount()).block()).isEqualTo(PaymentConfirmation.PAID);
    assertThat(orders.live(paid.orderId()).block().status()).isEqualTo(OrderStatus.SUCCEEDED);

    // The other seven expire in their own buckets and their units come back there.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> bucketStocks(a).stream().mapToInt(Integer::intValue).sum() == 7);
    assertThat(orders.live(sold.get(1).orderId()).block().status()).isEqualTo(OrderStatus.EXPIRED);
    assertThat(figures.remainingStock(a).block()).isEqualTo(7);
  }

  @Test
  void theLiveFeedShowsTheStockOfEveryBucket() {
    Activity a = schedule(Mode.STANDARD, 12, 1, Duration.ofHours(1));

    StepVerifier.create(feeds.activity(a.id(), 12).map(ActivityProgress::remainingStock))
        .expectNext(12)
        .then(() -> reservations.buyAlone(a.id(), "watched-1", null).block())
        .expectNext(11)
        .then(() -> reservations.buyAlone(a.id(), "watched-2", null).block())
        .expectNext(10)
        .thenCancel()
        .verify(Duration.ofSeconds(20));
  }

  @Test
  void listsJoinableGroupsOfEveryBucketAndCancelsEveryBucket() {
    Activity a = schedule(Mode.STANDARD, 40, 1, Duration.ofHours(1));
    Sharding sharding = shards.of(a.id()).block();
    Set<Integer> opened = new java.util.HashSet<>();
    for (int i = 0; opened.size() < SHARDS; i++) {
      ReservationOutcome.Reserved r = (ReservationOutcome.Reserved) reservations.openGroup(a.id(), "leader-" + i, null)
          .block();
      opened.add(sharding.bucketOf(r.groupId()));
    }
    assertThat(groups.joinable(a.id(), 50).map(g -> sharding.bucketOf(g.id())).collect(Collectors.toSet()).block())
        .isEqualTo(opened);

    changes.cancel(a.id()).block();

    assertThat(keys.buckets(a.id(), SHARDS)).allMatch(k ->
        "CANCELLED".equals(redis.<String, String>opsForHash().get(k.activity(), "state").block()));
    assertThat(reservations.buyAlone(a.id(), "late", null).block())
        .isEqualTo(new ReservationOutcome.Refused(Refusal.ACTIVITY_CANCELLED));
  }
}
