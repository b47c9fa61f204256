package dev.flashgroup.engine.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
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
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The 8 p.m. rush against the real Redis, RabbitMQ and MySQL: 40 groups of 3 open, then 1,000
 * joiners and 200 solo buyers arrive at once for what is left of 100 units. Checks invariants
 * 1-3 of DESIGN.md by counting.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class ContentionTest {

  private static final int STOCK = 100;
  private static final int GROUP_SIZE = 3;
  private static final int PER_USER_LIMIT = 1;

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired DatabaseClient db;

  @Test
  void sellsExactlyTheStockWithoutOverfillingGroupsOrQuotas() {
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Nanxiong duck", Mode.STANDARD, GROUP_SIZE,
            2990L, 3990L, STOCK, PER_USER_LIMIT, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600),
            Duration.ofHours(1), Duration.ofHours(1)))
        .block(Duration.ofSeconds(10));

    List<ReservationOutcome.Reserved> openers = Flux.range(0, 40)
        .flatMap(i -> reservations.openGroup(activity.id(), "opener-" + i, null))
        .cast(ReservationOutcome.Reserved.class)
        .collectList().block(Duration.ofSeconds(30));
    assertThat(openers).hasSize(40);
    List<String> groupIds = openers.stream().map(ReservationOutcome.Reserved::groupId).toList();

    // 500 joiners try twice each (different groups): the per-user limit of 1 must hold.
    List<Mono<ReservationOutcome>> rush = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String buyer = "joiner-" + (i % 500);
      rush.add(reservations.joinGroup(groupIds.get(i % groupIds.size()), buyer, null));
    }
    for (int i = 0; i < 200; i++) {
      rush.add(reservations.buyAlone(activity.id(), "solo-" + i, null));
    }
    Collections.shuffle(rush);
    List<ReservationOutcome> outcomes = Flux.fromIterable(rush).flatMap(m -> m, 256)
        .collectList().block(Duration.ofSeconds(60));

    List<ReservationOutcome.Reserved> accepted = new ArrayList<>(openers);
    outcomes.stream().filter(ReservationOutcome.Reserved.class::isInstance)
        .map(ReservationOutcome.Reserved.class::cast).forEach(accepted::add);
    Set<String> refusals = outcomes.stream().filter(ReservationOutcome.Refused.class::isInstance)
        .map(o -> ((ReservationOutcome.Refused) o).reason().name()).collect(Collectors.toSet());

    assertThat(accepted).hasSize(STOCK);
    assertThat(refusals).isSubsetOf("SOLD_OUT", "GROUP_FULL", "LIMIT_REACHED");
    Set<String> acceptedIds = accepted.stream().map(ReservationOutcome.Reserved::orderId).collect(Collectors.toSet());
    assertThat(acceptedIds).hasSize(STOCK);

    // Invariant 3: every acknowledged reservation becomes exactly one order row.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> OrderRows.ids(db, activity).size() == STOCK);
    assertThat(Set.copyOf(OrderRows.ids(db, activity))).isEqualTo(acceptedIds);

    // Invariant 1: units held never exceed stock.
    long held = db.sql("SELECT COUNT(*) AS n FROM orders WHERE activity_id = :a"
            + " AND status NOT IN ('EXPIRED', 'REFUNDED', 'REFUNDING')")
        .bind("a", activity.id().value()).map(r -> r.get("n", Long.class)).one().block(Duration.ofSeconds(5));
    assertThat(held).isEqualTo(STOCK);

    // Invariant 2: no group holds more members than its size.
    Map<String, Long> perGroup = accepted.stream().filter(r -> r.groupId() != null)
        .collect(Collectors.groupingBy(ReservationOutcome.Reserved::groupId, Collectors.counting()));
    assertThat(perGroup.values()).allMatch(n -> n <= GROUP_SIZE);
    List<Long> groupSizesInMysql = db.sql("SELECT COUNT(*) AS n FROM orders WHERE activity_id = :a"
            + " AND group_id IS NOT NULL GROUP BY group_id")
        .bind("a", activity.id().value()).map(r -> r.get("n", Long.class)).all().collectList()
        .block(Duration.ofSeconds(5));
    assertThat(groupSizesInMysql).allMatch(n -> n <= GROUP_SIZE);

    // Per-user limit: nobody holds more than one unit.
    List<Long> perBuyer = db.sql("SELECT COUNT(*) AS n FROM orders WHERE activity_id = :a GROUP BY buyer_id")
        .bind("a", activity.id().value()).map(r -> r.get("n", Long.class)).all().collectList()
        .block(Duration.ofSeconds(5));
    assertThat(perBuyer).allMatch(n -> n <= PER_USER_LIMIT);
  }
}
