package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.order.event.OrderSnapshot;
import dev.flashgroup.engine.order.event.ReservationMade;
import dev.flashgroup.engine.order.event.StockLow;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A batch of the ledger reads no activity row inside its transaction: while a batch with the
 * activity's orders and alerts is still open, the merchant's update of the activity goes through
 * (it used to wait for the batch's shared lock, taken by the merchant lookups in the INSERTs).
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class LedgerActivityLockTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.relay.enabled", () -> "false");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired OrderLedger ledger;
  @Autowired DatabaseClient db;
  @Autowired ReactiveTransactionManager transactions;

  @Test
  void anOpenBatchDoesNotHoldUpTheMerchantsUpdateOfTheActivity() {
    Instant now = Instant.now();
    Activity activity = scheduling.schedule("shop-locks", new ActivityDraft("Lychees", Mode.STANDARD, 2, 100L, 200L, 3,
        1, now.minusSeconds(1), now.plusSeconds(3600), Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(), 0,
        null, null, null, 2, null)).block(PATIENCE);
    long id = activity.id().value();
    OrderSnapshot order = new OrderSnapshot("LOCK-1", activity.id(), "", "buyer-1", OrderStatus.RESERVED, 200,
        now.plusSeconds(300).toEpochMilli(), 1, null, null, null, null, null, null, null, null, null, null, null);
    List<OrderEvent> batch = List.of(new ReservationMade(now.toEpochMilli(), List.of(order), null),
        new StockLow(now.toEpochMilli(), "LOCK-ALERT-1", activity.id(), null, "LOCK-1", 2, 2));

    // Another connection (no transaction context) updates the activity while the batch is open.
    Mono<Long> merchantsEdit = Mono.fromCallable(() -> db.sql("UPDATE activities SET title = 'Lychees, fresh'"
            + " WHERE id = :id").bind("id", id).fetch().rowsUpdated().block(PATIENCE))
        .subscribeOn(Schedulers.boundedElastic())
        .timeout(Duration.ofSeconds(5));
    Long updated = TransactionalOperator.create(transactions)
        .transactional(ledger.apply(batch).then(merchantsEdit)).block(PATIENCE);

    assertThat(updated).isEqualTo(1);
    assertThat(db.sql("SELECT merchant_id FROM orders WHERE id = 'LOCK-1'").map(r -> r.get(0, String.class)).one()
        .block(PATIENCE)).isEqualTo("shop-locks");
    assertThat(db.sql("SELECT merchant_id FROM stock_alerts WHERE id = 'LOCK-ALERT-1'")
        .map(r -> r.get(0, String.class)).one().block(PATIENCE)).isEqualTo("shop-locks");
  }
}
