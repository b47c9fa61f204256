package dev.flashgroup.engine.commission;

import dev.flashgroup.engine.order.LedgerFollower;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.order.event.OrderSnapshot;
import dev.flashgroup.engine.order.event.RefundEntry;
import dev.flashgroup.engine.order.event.RefundRequested;
import dev.flashgroup.engine.order.event.SnapshotEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * pays a refund number at most once and retries it until it does. Which refunds count is an
 * allow-list ({@link RefundEffect}): money that never paid the order (a second payment, a wrong
 * amount) changes no commission, and a reason the ledger does not know changes none either but is
 * logged and counted ({@code flashgroup.commission.refunds.unknown}), as is a refund number
 * already recorded for another order ({@code flashgroup.commission.refunds.conflicting}).
 */
@Component
class CommissionProjection implements LedgerFollower {

  private static final Logger log = LoggerFactory.getLogger(CommissionProjection.class);

  private final CommissionRecords records;
  private final CommissionLedger ledger;
  private final Counter unknown;
  private final Counter conflicting;

  CommissionProjection(CommissionRecords records, CommissionLedger ledger, MeterRegistry meters) {
    this.records = records;
    this.ledger = ledger;
    this.unknown = Counter.builder("flashgroup.commission.refunds.unknown")
        .description("Refunds whose reason the commission ledger does not know (no commission changed)")
        .register(meters);
    this.conflicting = Counter.builder("flashgroup.commission.refunds.conflicting")
        .description("Refunds whose number the commission ledger recorded for another order (no commission changed)")
        .register(meters);
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
          .filter(this::changesCommission)
          .sort(Comparator.comparing(RefundEntry::orderId).thenComparing(RefundEntry::refundNo))
          .concatMap(r -> records.recordRefund(r.refundNo(), r.orderId(), r.amount(), r.reason(), at)
              .flatMap(recordedFor -> recordedFor.equals(r.orderId()) ? ledger.reconcile(r.orderId(), at)
                  : conflicting(r, recordedFor)))
          .then();
    }
    return Mono.empty();
  }

  private boolean changesCommission(RefundEntry r) {
    return RefundEffect.of(r.reason()).map(RefundEffect::changesCommission).orElseGet(() -> {
      unknown.increment();
      log.error("Refund {} of order {} has a reason the commission ledger does not know ({}): its commission is"
          + " unchanged; add the reason to RefundEffect", r.refundNo(), r.orderId(), r.reason());
      return false;
    });
  }

  private Mono<Void> conflicting(RefundEntry r, String recordedFor) {
    conflicting.increment();
    log.error("Refund {} of order {} is recorded for order {}: the commission of {} is unchanged", r.refundNo(),
        r.orderId(), recordedFor, r.orderId());
    return Mono.empty();
  }
}
