package dev.flashgroup.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityChanges;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.pickup.PointDraft;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import dev.flashgroup.engine.keys.RedisKeys;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Low-stock alerts through the whole machinery: reserve.lua on the real Redis decides the crossing,
 * the relay and the projector put it into MySQL's {@code stock_alerts}, the listing reads it.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StockAlertsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @Autowired ActivityScheduling scheduling;
  @Autowired ActivityChanges changes;
  @Autowired Reservations reservations;
  @Autowired PickupPoints points;
  @Autowired StockAlerts alerts;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  private final Scheduler buyers = Schedulers.newBoundedElastic(64, 10_000, "buyers");

  @AfterAll
  void stopBuyers() {
    buyers.dispose();
  }

  private long point(String name) {
    return points.create(new PointDraft(name, "浈江区东门路 1 号", "CONVENIENCE_STORE", new BigDecimal("24.8"),
        new BigDecimal("113.6"), "0751-1234567", "08:00", "21:30", "Asia/Shanghai")).block(PATIENCE).id();
  }

  private Activity schedule(String merchant, int stock, Integer safetyStock, Duration payWindow, Pickup pickup) {
    Instant now = Instant.now();
    return scheduling.schedule(merchant, new ActivityDraft("Mandarins", Mode.STANDARD, 2, 100L, 200L, stock, 1,
        now.minusSeconds(1), now.plusSeconds(3600), Duration.ofMinutes(30), payWindow, List.of(), 0, pickup, null,
        null, safetyStock, null)).block(PATIENCE);
  }

  private List<Map<String, Object>> rows(Activity activity) {
    return db.sql("SELECT id, point_id, order_id, remaining, safety_stock, merchant_id FROM stock_alerts"
            + " WHERE activity_id = :id ORDER BY seq")
        .bind("id", activity.id().value()).fetch().all().collectList().block(PATIENCE);
  }

  private Mono<ReservationOutcome> buy(Activity activity, String buyer, Long point) {
    return reservations.buyAlone(activity.id(), buyer, null, point).subscribeOn(buyers);
  }

  @Test
  void exactlyOneAlertPerLevelCrossedUnder500ConcurrentBuyers() {
    long east = point("东门便利店");
    long west = point("西门便利店");
    // 600 units, 300 per point; 500 buyers, 250 per point: the activity ends at 100 (safety 100), each
    // point at 50 (safety 60). Every level crosses exactly once, whatever the order of the buyers.
    Activity activity = schedule("shop-rush", 600, 100, Duration.ofMinutes(5), new Pickup(List.of(
        new Pickup.PointShare(east, 300, 60), new Pickup.PointShare(west, 300, 60)), null, false));

    List<ReservationOutcome> outcomes = Flux.range(0, 500)
        .flatMap(i -> buy(activity, "rush-" + i, i % 2 == 0 ? east : west), 128)
        .collectList().block(PATIENCE);

    assertThat(outcomes).hasSize(500).allMatch(o -> o instanceof Reserved);
    await().atMost(PATIENCE).until(() -> rows(activity).size() >= 3);
    // Anything more would still be on its way: the stream is relayed in order, so wait for the last order.
    await().atMost(PATIENCE).until(() -> db.sql("SELECT COUNT(*) AS n FROM orders WHERE activity_id = :id")
        .bind("id", activity.id().value()).map(r -> r.get("n", Long.class)).one().block(PATIENCE) == 500);
    List<Map<String, Object>> rows = rows(activity);
    assertThat(rows).hasSize(3);
    Map<Object, Map<String, Object>> byLevel = rows.stream()
        .collect(Collectors.toMap(r -> String.valueOf(r.get("point_id")), Function.identity()));
    assertThat(byLevel.keySet()).containsExactlyInAnyOrder("null", Long.toString(east), Long.toString(west));
    assertThat(byLevel.get("null")).containsEntry("remaining", 100).containsEntry("safety_stock", 100)
        .containsEntry("merchant_id", "shop-rush");
    assertThat(byLevel.get(Long.toString(east))).containsEntry("remaining", 60).containsEntry("safety_stock", 60);
    assertThat(byLevel.get(Long.toString(west))).containsEntry("remaining", 60).containsEntry("safety_stock", 60);
    // Warmed from MySQL with its safety stocks; every level is marked alerted.
    Map<Object, Object> hash = redis.opsForHash().entries(keys.of(activity.id()).activity())
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
    assertThat(hash).containsEntry("safety_stock", "100").containsEntry("safety_stock:" + east, "60")
        .containsEntry("safety_stock:" + west, "60").containsEntry("alerted", "1")
        .containsEntry("alerted:" + east, "1").containsEntry("alerted:" + west, "1");
  }

  @Test
  void stockThatComesBackAboveAndFallsAgainAlertsAgain() {
    Activity activity = schedule("shop-again", 10, 5, Duration.ofMinutes(5), null);
    for (int i = 0; i < 5; i++) {
      assertThat(buy(activity, "first-" + i, null).block(PATIENCE)).isInstanceOf(Reserved.class);
    }
    await().atMost(PATIENCE).until(() -> rows(activity).size() == 1);

    // Restocked above the safety stock, then sold down to it again.
    changes.addStock(activity.id(), 3, "restock-1").block(PATIENCE);
    for (int i = 0; i < 3; i++) {
      assertThat(buy(activity, "second-" + i, null).block(PATIENCE)).isInstanceOf(Reserved.class);
    }

    await().atMost(PATIENCE).until(() -> rows(activity).size() == 2);
    assertThat(rows(activity)).extracting(r -> r.get("remaining")).containsExactly(5, 5);
  }

  @Test
  void theListingPagesNewestFirstAndFiltersByMerchantAndActivity() {
    Activity one = schedule("shop-list", 4, 3, Duration.ofMinutes(5), null);
    Activity two = schedule("shop-list", 4, 3, Duration.ofMinutes(5), null);
    Activity other = schedule("shop-other", 4, 3, Duration.ofMinutes(5), null);
    for (Activity a : List.of(one, two, other)) {
      assertThat(buy(a, "lister", null).block(PATIENCE)).isInstanceOf(Reserved.class);
      await().atMost(PATIENCE).until(() -> rows(a).size() == 1);
    }

    StockAlerts.Page first = alerts.page("shop-list", null, null, 1).block(PATIENCE);
    StockAlerts.Page second = alerts.page("shop-list", null, first.next(), 1).block(PATIENCE);
    StockAlerts.Page last = alerts.page("shop-list", null, second.next(), 1).block(PATIENCE);

    assertThat(first.items()).extracting(StockAlert::activityId).containsExactly(two.id().value());
    assertThat(second.items()).extracting(StockAlert::activityId).containsExactly(one.id().value());
    assertThat(last.items()).isEmpty();
    assertThat(last.next()).isNull();
    assertThat(alerts.page("shop-list", other.id().value(), null, 10).block(PATIENCE).items()).isEmpty();
    assertThat(alerts.page(null, other.id().value(), null, 10).block(PATIENCE).items()).singleElement()
        .satisfies(a -> assertThat(a.remaining()).isEqualTo(3));
    assertThat(StockAlerts.Cursor.parse(first.next().token())).isEqualTo(first.next());
    assertThat(StockAlerts.Cursor.parse("bm90IGEgY3Vyc29y")).isNull();
    assertThat(StockAlerts.Cursor.parse("!!")).isNull();
  }
}
