package dev.flashgroup.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.StreamSettings;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.Instances;
import dev.flashgroup.engine.support.OrderRows;
import dev.flashgroup.loadtest.verifier.EngineVerification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;

/**
 * The shards issue's acceptance test (docs/cluster.md, "Hot activities: shards"): a sharded
 * activity of 2,000 units in 8 buckets, 20,000 buyers (limit 2; every tenth tries three times, early)
 * through two engine instances on one cluster (one Redis outside the cluster run), both
 * rebalancing. Exactly 2,000 are sold, nobody holds more than the limit, every bucket ends at 0 with
 * no transfer in flight, every acknowledged reservation is one order row in MySQL, and the
 * invariant verifier finds nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedOpeningAcceptanceTest {

  private static final Logger log = LoggerFactory.getLogger(ShardedOpeningAcceptanceTest.class);
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int SHARDS = 8;
  private static final int STOCK = 2_000;
  private static final int BUYERS = 20_000;
  private static final int LIMIT = 2;
  /** Requests in flight at once, over both instances. */
  private static final int CONCURRENCY = 128;

  /** Started once, as the class has one instance (PER_CLASS). */
  private final Instances instances = new Instances("instance-a", "instance-b");

  @AfterAll
  void stopThem() throws Exception {
    instances.close();
  }

  @Test
  void sellsExactlyTheStockOfEightBucketsToTwentyThousandBuyersThroughTwoInstances(@TempDir Path dir)
      throws Exception {
    Activity activity = instances.get(0).getBean(ActivityScheduling.class)
        .schedule("shop-1", new ActivityDraft("Hot duck", Mode.STANDARD, 3, 2990L, 3990L, STOCK, LIMIT,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1),
            List.of(), null, null, null, null, null, SHARDS))
        .block(PATIENCE);

    List<Reservations> through = instances.beans(Reservations.class);
    // Every buyer tries once; every tenth twice more, early in the rush (among the first 8,000
    // requests, while units are left), so the limit is reached and must hold.
    Random random = new Random(42);
    List<String> first = new ArrayList<>();
    List<String> early = new ArrayList<>();
    for (int i = 0; i < BUYERS; i++) {
      first.add("buyer-" + i);
      if (i % 10 == 0) {
        early.add("buyer-" + i);
        early.add("buyer-" + i);
      }
    }
    Collections.shuffle(first, random);
    List<String> requests = new ArrayList<>(early);
    requests.addAll(first.subList(0, 8_000 - early.size()));
    Collections.shuffle(requests, random);
    requests.addAll(first.subList(8_000 - early.size(), first.size()));
    long rushStart = System.nanoTime();
    List<Map.Entry<String, ReservationOutcome>> outcomes = Flux.range(0, requests.size())
        .flatMap(i -> through.get(i % 2).buyAlone(activity.id(), requests.get(i), null)
            .map(outcome -> Map.entry(requests.get(i), outcome)), CONCURRENCY)
        .collectList().block(Duration.ofSeconds(90));
    Duration rush = Duration.ofNanos(System.nanoTime() - rushStart);

    List<Map.Entry<String, ReservationOutcome>> reserved = outcomes.stream()
        .filter(e -> e.getValue() instanceof ReservationOutcome.Reserved).toList();
    Map<String, Long> refused = outcomes.stream().map(Map.Entry::getValue)
        .filter(o -> !(o instanceof ReservationOutcome.Reserved))
        .collect(Collectors.groupingBy(ShardedOpeningAcceptanceTest::name, Collectors.counting()));
    log.info("acceptance: {} requests of {} buyers in {} ms: {} reserved, refused {}", requests.size(), BUYERS,
        rush.toMillis(), reserved.size(), refused);
    assertThat(reserved).hasSize(STOCK);
    assertThat(refused.keySet()).isSubsetOf("SOLD_OUT", "LIMIT_REACHED", "THROTTLED");
    Set<String> acknowledged = reserved.stream().map(e -> ((ReservationOutcome.Reserved) e.getValue()).orderId())
        .collect(Collectors.toSet());
    assertThat(acknowledged).hasSize(STOCK);
    Map<String, Long> perBuyer = reserved.stream().collect(Collectors.groupingBy(Map.Entry::getKey,
        Collectors.counting()));
    assertThat(perBuyer.values()).allMatch(n -> n <= LIMIT);
    log.info("acceptance: {} buyers hold {} units, {} of them the limit of {}", perBuyer.size(), STOCK,
        perBuyer.values().stream().filter(n -> n == LIMIT).count(), LIMIT);

    ReactiveStringRedisTemplate redis = instances.get(1).getBean(ReactiveStringRedisTemplate.class);
    RedisKeys keys = instances.get(1).getBean(RedisKeys.class);
    List<RedisKeys.ActivityKeys> buckets = keys.buckets(activity.id(), SHARDS);
    assertThat(buckets).allMatch(k -> "0".equals(redis.<String, String>opsForHash().get(k.activity(), "stock")
        .block(PATIENCE)));
    await().atMost(PATIENCE).until(() -> buckets.stream()
        .allMatch(k -> redis.opsForHash().size(k.transfersOut()).block(PATIENCE) == 0));

    // Every acknowledged reservation is one order row, and MySQL's orders hold nobody above the limit.
    DatabaseClient db = instances.get(1).getBean(DatabaseClient.class);
    long relayStart = System.nanoTime();
    await().atMost(PATIENCE).until(() -> OrderRows.count(db, activity) == STOCK);
    Duration relay = Duration.ofNanos(System.nanoTime() - relayStart);
    assertThat(Set.copyOf(OrderRows.ids(db, activity))).isEqualTo(acknowledged);
    assertThat(OrderRows.distinctIds(db, activity)).isEqualTo(STOCK);
    Map<String, Long> perBuyerInMysql = db.sql("SELECT buyer_id, COUNT(*) AS n FROM orders WHERE activity_id = :a"
            + " GROUP BY buyer_id")
        .bind("a", activity.id().value())
        .map(r -> Map.entry(r.get("buyer_id", String.class), r.get("n", Long.class)))
        .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
    assertThat(perBuyerInMysql).isEqualTo(perBuyer);
    assertThat(perBuyerInMysql.values()).allMatch(n -> n <= LIMIT);

    Path acknowledgedFile = Files.write(dir.resolve("acknowledged.txt"), acknowledged);
    long verifyStart = System.nanoTime();
    EngineVerification.Result verified = EngineVerification.verify(instances.isolation(),
        instances.get(1).getBean(StreamSettings.class).consumerGroup(), activity.id().value(), acknowledgedFile);
    Duration verify = Duration.ofNanos(System.nanoTime() - verifyStart);
    log.info("acceptance: rush {} ms, last order row {} ms later, verifier {} ms:\n{}", rush.toMillis(),
        relay.toMillis(), verify.toMillis(), verified.printed());
    assertThat(verified.clean()).as(verified.printed()).isTrue();
  }

  private static String name(ReservationOutcome outcome) {
    if (outcome instanceof ReservationOutcome.Refused refused) {
      return refused.reason().name();
    }
    return outcome instanceof ReservationOutcome.Throttled ? "THROTTLED" : outcome.getClass().getSimpleName();
  }
}
