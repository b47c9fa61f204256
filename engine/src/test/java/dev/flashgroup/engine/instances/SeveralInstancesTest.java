package dev.flashgroup.engine.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.Instances;
import dev.flashgroup.engine.support.OrderRows;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;

/**
 * Two engine instances (each its own relay consumer name) on the same Redis (the test cluster in
 * the cluster run), broker and database: buyers arrive through both for three activities (on
 * different primaries of a cluster), nobody pays, and both instances' relays, sweepers and workers
 * run. Exactly the stock is sold, every acknowledged reservation becomes one order, every order
 * expires exactly once (a unit given back twice would leave more stock than the activity had).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeveralInstancesTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int STOCK = 40;
  private static final int BUYERS = 120;

  /** Started once, as the class has one instance (PER_CLASS). */
  private final Instances instances = new Instances("instance-a", "instance-b");

  @AfterAll
  void stopThem() throws Exception {
    instances.close();
  }

  @Test
  void shareRelaySweeperAndWorkersWithExactCounts() {
    ActivityScheduling scheduling = instances.get(0).getBean(ActivityScheduling.class);
    List<Activity> activities = Flux.range(0, 3)
        .concatMap(i -> scheduling.schedule("shop-1", new ActivityDraft("Lychees " + i, Mode.STANDARD, 2, 100L, 200L,
            STOCK, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofSeconds(3))))
        .collectList().block(PATIENCE);

    List<Reservations> through = instances.beans(Reservations.class);
    Map<Activity, Set<String>> sold = new HashMap<>();
    for (Activity activity : activities) {
      List<ReservationOutcome> outcomes = Flux.range(0, BUYERS)
          .flatMap(i -> through.get(i % 2).buyAlone(activity.id(), "buyer-" + i, null), 64)
          .collectList().block(PATIENCE);
      Set<String> accepted = outcomes.stream().filter(ReservationOutcome.Reserved.class::isInstance)
          .map(o -> ((ReservationOutcome.Reserved) o).orderId()).collect(Collectors.toSet());
      assertThat(accepted).hasSize(STOCK);
      assertThat(outcomes.stream().filter(ReservationOutcome.Refused.class::isInstance)
          .map(o -> ((ReservationOutcome.Refused) o).reason().name())).containsOnly("SOLD_OUT");
      sold.put(activity, accepted);
    }

    DatabaseClient db = instances.get(1).getBean(DatabaseClient.class);
    ReactiveStringRedisTemplate redis = instances.get(1).getBean(ReactiveStringRedisTemplate.class);
    RedisKeys keys = instances.get(1).getBean(RedisKeys.class);
    for (Activity activity : activities) {
      // Nothing lost, nothing doubled: one row per acknowledged reservation.
      await().atMost(PATIENCE).until(() -> OrderRows.count(db, activity) == STOCK);
      assertThat(Set.copyOf(OrderRows.ids(db, activity))).isEqualTo(sold.get(activity));
      assertThat(OrderRows.distinctIds(db, activity)).isEqualTo(STOCK);
      // Every order expires once: MySQL says so, and Redis has exactly the stock back.
      await().atMost(PATIENCE).until(() -> expired(db, activity) == STOCK);
      await().atMost(PATIENCE).until(() -> "40".equals(
          redis.<String, String>opsForHash().get(keys.of(activity.id()).activity(), "stock").block(PATIENCE)));
      await().atMost(PATIENCE).until(() -> redis.opsForStream().size(keys.of(activity.id()).events()).block(PATIENCE) == 0);
    }
  }

  private static long expired(DatabaseClient db, Activity activity) {
    return db.sql("SELECT COUNT(*) AS n FROM orders WHERE activity_id = :a AND status = 'EXPIRED'")
        .bind("a", activity.id().value()).map(r -> r.get("n", Long.class)).one().block(PATIENCE);
  }
}
