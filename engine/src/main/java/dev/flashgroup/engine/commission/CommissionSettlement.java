package dev.flashgroup.engine.commission;

import dev.flashgroup.engine.schedule.RepeatingJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Settles earned commission once {@code flashgroup.leaders.settle-after} passed since the pickup,
 * and earns commission whose order MySQL records as picked up without an event having said so.
 * Each order is settled in its own transaction under its row's lock, after checking it is still
 * due, so several instances sweeping at once settle it once (the SETTLED entry's unique key backs
 * that up). Time is passed in: {@link #settleDue(Instant)}.
 */
@Component
public class CommissionSettlement extends RepeatingJob {

  private final CommissionRecords records;
  private final CommissionLedger ledger;
  private final CommissionSettings settings;
  private final TransactionalOperator tx;
  private final Clock clock;

  CommissionSettlement(CommissionRecords records, CommissionLedger ledger, CommissionSettings settings,
      ReactiveTransactionManager transactions, Clock clock) {
    this.records = records;
    this.ledger = ledger;
    this.settings = settings;
    this.tx = TransactionalOperator.create(transactions);
    this.clock = clock;
  }

  /** One sweep at {@code now}: completes with the number of orders whose commission it settled. */
  public Mono<Long> settleDue(Instant now) {
    return records.pickedUpUnseen(settings.settleBatch())
        .concatMap(p -> tx.transactional(records.markPickedUp(p.orderId(), p.at()).then(ledger.reconcile(p.orderId(), now))))
        .then(records.dueToSettle(now, settings.settleBatch())
            .concatMap(orderId -> tx.transactional(settle(orderId, now)))
            .filter(settled -> settled)
            .count());
  }

  private Mono<Boolean> settle(String orderId, Instant now) {
    return records.lock(orderId)
        .filter(row -> row.stage() == Stage.EARNED && row.settleAt() != null && !row.settleAt().isAfter(now))
        .flatMap(row -> records.append(row, new CommissionPlan.NewEntry(EntryKind.SETTLED, "", row.total(),
                Stage.SETTLED, "SETTLE_AFTER"), null, now)
            .then(records.update(orderId, Stage.SETTLED, row.total(), null, row.settleAt(), row.adminReversed(), now))
            .thenReturn(true))
        .defaultIfEmpty(false);
  }

  @Override
  protected Mono<?> round() {
    return settleDue(clock.instant());
  }

  @Override
  protected Duration pause() {
    return settings.settleInterval();
  }

  @Override
  protected boolean enabled() {
    return settings.settleEnabled();
  }
}
