package dev.flashgroup.engine.commission;

import dev.flashgroup.engine.order.LedgerFollower;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.order.event.OrderSnapshot;
import dev.flashgroup.engine.order.event.RefundEntry;
import dev.flashgroup.engine.order.event.RefundRequested;
import dev.flashgroup.engine.order.event.SnapshotEvent;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The commission side of every event, in the order projector's transaction. A snapshot of an
 * attributed, paid order records the order's facts (amount paid, pickup); a refund request records
 * the refund; then the order's ledger is brought up to date. Orders are handled in id order, so two
 * events of one group lock their commission rows in the same order.
 *
 * <p>Refunds count when requested: the request carries the amount and the reason, and the gateway
 * pays a refund number at most once and retries it until it does. Money that never paid the order
 * (a second payment, a wrong amount) changes no commission.
 */
@Component
class CommissionProjection implements LedgerFollower {

  private static final Set<String> NOT_THE_ORDERS_MONEY = Set.of("DUPLICATE_PAYMENT", "WRONG_AMOUNT");

  private final CommissionRecords records;
  private final CommissionLedger ledger;

  CommissionProjection(CommissionRecords records, CommissionLedger ledger) {
    this.records = records;
    this.ledger = ledger;
  }

  @Override
  public Mono<Void> follow(OrderEvent event) {
    Instant at = Instant.ofEpochMilli(event.at());
    if (event instanceof SnapshotEvent snapshots) {
      return Flux.fromIterable(snapshots.orders())
          .filter(o -> o.leaderId() != null && o.paidAmount() != null)
          .sort(Comparator.comparing(OrderSnapshot::id))
          .concatMap(o -> records.recordFacts(o, at).then(ledger.reconcile(o.id(), at)))
          .then();
    }
    if (event instanceof RefundRequested refunds) {
      return Flux.fromIterable(refunds.refunds())
          .filter(r -> !NOT_THE_ORDERS_MONEY.contains(r.reason()))
          .sort(Comparator.comparing(RefundEntry::orderId).thenComparing(RefundEntry::refundNo))
          .concatMap(r -> records.recordRefund(r.refundNo(), r.orderId(), r.amount(), r.reason(), at)
              .then(ledger.reconcile(r.orderId(), at)))
          .then();
    }
    return Mono.empty();
  }
}
