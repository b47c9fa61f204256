package dev.flashgroup.engine.commission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.leader.InvalidLeaderRequest;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.event.OrderSnapshot;
import dev.flashgroup.engine.order.event.RefundEntry;
import dev.flashgroup.engine.order.event.RefundRequested;
import io.micrometer.core.instrument.MeterRegistry;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The ledger against MySQL. How its transactions meet others: the projector's transaction leaves
 * the activity's row unlocked (merchants lock it to change stock), and an order's commission is
 * worked out from what is committed when its row is locked, not from the transaction's older
 * snapshot. Which refunds it takes: reasons on an allow-list, a refund number for one order only,
 * the order's own amount paid; anything else is refused with nothing changed (or, from an event,
 * reported and counted).
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class CommissionLedgerTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int BPS = 1000;
  private static final AtomicInteger SEQ = new AtomicInteger();

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.relay.enabled", () -> "false");
    registry.add("flashgroup.messaging.workers-enabled", () -> "false");
    registry.add("flashgroup.timers.enabled", () -> "false");
    registry.add("flashgroup.pickup.sweeper-enabled", () -> "false");
    registry.add("flashgroup.leaders.settle-enabled", () -> "false");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired CommissionRecords records;
  @Autowired CommissionLedger ledger;
  @Autowired ReactiveTransactionManager transactions;
  @Autowired ConnectionFactory connections;
  @Autowired DatabaseClient db;
  @Autowired CommissionProjection projection;
  @Autowired MeterRegistry meters;

  private Activity activity;
  private TransactionalOperator tx;

  @BeforeEach
  void activity() {
    tx = TransactionalOperator.create(transactions);
    activity = scheduling.schedule("shop-1", new ActivityDraft("Rate " + BPS, Mode.STANDARD, 2, 2990L, 3990L, 1000, 10,
        Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(2)), Duration.ofHours(1),
        Duration.ofHours(1), List.of(), null, null, BPS)).block(PATIENCE);
  }

  @Test
  void recordingAnOrdersFactsLeavesItsActivityRowFreeForAMerchantsLock() {
    String order = order();
    String answer = tx.transactional(records.recordFacts(paid(order, 10_000), Instant.now())
            .then(Mono.defer(() -> Mono.fromCompletionStage(() -> lockActivityNowait().toFuture()))))
        .block(PATIENCE);
    assertThat(answer).isEqualTo("locked");
    assertThat(db.sql("SELECT bps FROM commissions WHERE order_id = :o").bind("o", order)
        .map(r -> r.get("bps", Integer.class)).one().block(PATIENCE)).isEqualTo(BPS);
  }

  @Test
  void anOrderLockedAfterTheTransactionsFirstReadSeesRefundsCommittedSince() {
    String first = order();
    String second = order();
    record(first, 10_000);
    record(second, 10_000);
    // The projector's transaction reads (its snapshot starts: a plain read, as the order ledger's),
    // another refund of the second order commits meanwhile, then the projector records one more
    // refund of the second order.
    tx.transactional(db.sql("SELECT total FROM commissions WHERE order_id = :o").bind("o", first).fetch().one()
            .then(Mono.defer(() -> Mono.fromCompletionStage(() ->
                ledger.reverseForRefund(second, "RC" + second.replace("-", "") + "a", 2_000, 10_000).toFuture())))
            .then(records.recordRefund("RC" + second.replace("-", "") + "b", second, 3_000, "CLAIM", Instant.now()))
            .then(ledger.reconcile(second, Instant.now())))
        .block(PATIENCE);
    assertThat(db.sql("SELECT total FROM commissions WHERE order_id = :o").bind("o", second)
        .map(r -> r.get("total", Long.class)).one().block(PATIENCE)).isEqualTo((10_000 - 2_000 - 3_000) * BPS / 10_000L);
    assertThat(db.sql("SELECT SUM(amount) AS s FROM commission_entries WHERE order_id = :o").bind("o", second)
        .map(r -> r.get("s", Number.class).longValue()).one().block(PATIENCE)).isEqualTo(500L);
  }

  @Test
  void aRefundNumberIsOneRefundOfOneOrder() {
    String first = order();
    String second = order();
    record(first, 10_000);
    record(second, 10_000);
    String refundNo = "RC" + first.replace("-", "");
    assertThat(ledger.reverseForRefund(first, refundNo, 1_000, 10_000).block(PATIENCE)).isEqualTo(100);
    assertRefused(ledger.reverseForRefund(second, refundNo, 1_000, 10_000), "refundNo");
    assertThat(total(second)).isEqualTo(1_000);
    double before = meters.counter("flashgroup.commission.refunds.conflicting").count();
    projection.follow(new RefundRequested(Instant.now().toEpochMilli(),
        List.of(new RefundEntry(refundNo, second, 1_000, "GROUP_FAILED", 10_000)))).block(PATIENCE);
    assertThat(total(second)).isEqualTo(1_000);
    assertThat(meters.counter("flashgroup.commission.refunds.conflicting").count()).isEqualTo(before + 1);
  }

  @Test
  void anAdminsReversalKeyIsNoRefundNumberAndThePaidAmountIsTheOrders() {
    String order = order();
    record(order, 10_000);
    assertRefused(ledger.reverseForRefund(order, CommissionLedger.ADMIN, 1_000, 10_000), "refundNo");
    assertRefused(ledger.reverseForRefund(order, "RC" + order.replace("-", ""), 1_000, 9_999), "paidAmount");
    assertThat(total(order)).isEqualTo(1_000);
    assertThat(db.sql("SELECT COUNT(*) AS n FROM commission_refunds WHERE order_id = :o").bind("o", order)
        .map(r -> r.get("n", Long.class)).one().block(PATIENCE)).isZero();
  }

  @Test
  void onlyReasonsThatReverseCommissionReverseIt() {
    String order = order();
    record(order, 10_000);
    for (String reason : List.of("TIER_PRICE", "DUPLICATE_PAYMENT", "WRONG_AMOUNT", "GOODWILL")) {
      assertRefused(ledger.reverseForRefund(order, "RC" + reason.replace("_", ""), 1_000, 10_000, reason), "reason");
    }
    assertThat(total(order)).isEqualTo(1_000);
    double before = meters.counter("flashgroup.commission.refunds.unknown").count();
    projection.follow(new RefundRequested(Instant.now().toEpochMilli(), List.of(
        new RefundEntry("RN" + order.replace("-", ""), order, 1_000, "SOMETHING_NEW", 10_000),
        new RefundEntry("RW" + order.replace("-", ""), order, 1_000, "WRONG_AMOUNT", 10_000)))).block(PATIENCE);
    assertThat(total(order)).isEqualTo(1_000);
    assertThat(meters.counter("flashgroup.commission.refunds.unknown").count()).isEqualTo(before + 1);
    assertThat(ledger.reverseForRefund(order, "RA" + order.replace("-", ""), 1_000, 10_000, "ACTIVITY_CANCELLED")
        .block(PATIENCE)).isEqualTo(100);
    assertThat(total(order)).isEqualTo(900);
  }

  private static void assertRefused(Mono<Long> reversal, String field) {
    assertThatThrownBy(() -> reversal.block(PATIENCE)).isInstanceOfSatisfying(InvalidLeaderRequest.class,
        e -> assertThat(e.violations()).extracting(InvalidLeaderRequest.Violation::field).containsExactly(field));
  }

  private long total(String order) {
    return db.sql("SELECT total FROM commissions WHERE order_id = :o").bind("o", order)
        .map(r -> r.get("total", Long.class)).one().block(PATIENCE);
  }

  private String order() {
    return activity.id().value() + "-" + SEQ.incrementAndGet();
  }

  private void record(String order, long paid) {
    tx.transactional(records.recordFacts(paid(order, paid), Instant.now()).then(ledger.reconcile(order, Instant.now())))
        .block(PATIENCE);
  }

  private OrderSnapshot paid(String order, long paid) {
    return new OrderSnapshot(order, activity.id(), "", "buyer-" + order, OrderStatus.PAID, paid,
        Instant.now().toEpochMilli(), 2, paid, null, null, null, null, null, null, null, "leader-1", null, null);
  }

  /** A merchant's lock on the activity row from a connection of its own, refused at once if it would wait. */
  private Mono<String> lockActivityNowait() {
    return Mono.usingWhen(Mono.from(connections.create()),
        (Connection c) -> Mono.from(c.beginTransaction())
            .thenMany(Flux.from(c.createStatement("SELECT id FROM activities WHERE id = " + activity.id().value()
                + " FOR UPDATE NOWAIT").execute()).flatMap(r -> r.map((row, meta) -> "locked")))
            .onErrorResume(e -> Mono.just("refused: " + e.getMessage()))
            .last("none"),
        c -> Mono.from(c.rollbackTransaction()).then(Mono.from(c.close())),
        (c, e) -> Mono.from(c.rollbackTransaction()).then(Mono.from(c.close())),
        c -> Mono.from(c.close()));
  }
}
