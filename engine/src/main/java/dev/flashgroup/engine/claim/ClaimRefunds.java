package dev.flashgroup.engine.claim;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.analytics.DailySales;
import dev.flashgroup.engine.commission.CommissionLedger;
import dev.flashgroup.engine.leader.InvalidLeaderRequest;
import dev.flashgroup.engine.order.RefundNumber;
import dev.flashgroup.engine.payment.PaymentGateway;
import dev.flashgroup.engine.payment.RecordedRefunds;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Pays approved claims through the payment gateway and records the gateway's word. A claim's refund
 * number is {@code RC<claimId>}, which the gateway pays at most once, however often it is sent. One
 * path owns each resend: until the gateway has accepted the refund (its call answered without an
 * error) {@link ClaimRefundRetry} sends it again; once accepted, the gateway sees it through itself
 * (the sandbox has paid it; the WeChat Pay adapter retries its failed calls and queries it) and the
 * claim's retry leaves it alone. A refund the gateway gives up makes the claim REFUND_ABNORMAL.
 * Claims live in MySQL alone (an order Redis no longer holds is claimed like any other), so the
 * confirmation never reaches confirm_refund.lua: {@code PaymentNotifications} hands it here.
 */
@Component
class ClaimRefunds implements RecordedRefunds {

  private static final Logger log = LoggerFactory.getLogger(ClaimRefunds.class);

  private final DatabaseClient db;
  private final CommissionLedger commissions;
  private final TransactionalOperator tx;
  private final ClaimRecords records;
  private final ClaimSettings settings;
  /** The sandbox gateway confirms through PaymentNotifications, which finds this bean: looked up lazily. */
  private final ObjectProvider<PaymentGateway> gateway;
  private final Clock clock;
  private final DailySales sales;

  ClaimRefunds(DatabaseClient db, ReactiveTransactionManager transactions, ClaimRecords records,
      ClaimSettings settings, ObjectProvider<PaymentGateway> gateway, CommissionLedger commissions, DailySales sales,
      Clock clock) {
    this.db = db;
    this.sales = sales;
    this.commissions = commissions;
    this.tx = TransactionalOperator.create(transactions);
    this.records = records;
    this.settings = settings;
    this.gateway = gateway;
    this.clock = clock;
  }

  /**
   * Records the refund an approval asks for (in the approval's transaction): the {@code refunds} row
   * (reason CLAIM) and when it is sent again unless confirmed by then.
   */
  Mono<Void> requested(long claimId, String orderId, long amount, Instant now) {
    return db.sql("INSERT INTO refunds (refund_no, order_id, amount, reason, status, requested_at)"
            + " VALUES (:no, :order, :amount, :reason, 'REQUESTED', :at) ON DUPLICATE KEY UPDATE refund_no = refund_no")
        .bind("no", RefundNumber.claim(claimId).value()).bind("order", orderId).bind("amount", amount)
        .bind("reason", ClaimRefundConfirmed.REASON).bind("at", utc(now))
        .then();
  }

  /**
   * Sends an approved claim's refund (after the approval committed). A failure is logged, not
   * passed on: the claim stays APPROVED with its refund due, and {@link ClaimRefundRetry} sends it
   * again; the approval itself stands. An accepted refund is no longer due: the gateway owns it.
   */
  Mono<Void> send(Claim claim) {
    if (claim.status() != ClaimStatus.APPROVED || claim.approvedAmount() == null) {
      return Mono.empty();
    }
    Instant now = clock.instant();
    return db.sql("UPDATE claims SET refund_attempts = refund_attempts + 1,"
            + " refund_due_at = :due WHERE id = :id AND status = 'APPROVED'")
        .bind("due", utc(now.plus(settings.retryAfter(1)))).bind("id", claim.id())
        .then()
        .then(pay(claim));
  }

  /**
   * Sends again the approved claims whose refund was not confirmed in time. Each is taken with a
   * conditional update of its due time, so of several instances one sends it per round.
   */
  Mono<Long> resendDue(int batch) {
    Instant now = clock.instant();
    return records.refundsDue(now, batch)
        .concatMap(due -> db.sql("UPDATE claims SET refund_attempts = refund_attempts + 1, refund_due_at = :next"
                + " WHERE id = :id AND status = 'APPROVED' AND refund_due_at <= :now")
            .bind("next", utc(now.plus(settings.retryAfter(due.attempts() + 1))))
            .bind("now", utc(now)).bind("id", due.claim().id())
            .fetch().rowsUpdated()
            .filter(taken -> taken > 0)
            .flatMap(taken -> {
              log.info("refund {} of claim {} not confirmed yet: sent again", due.claim().refundNo(), due.claim().id());
              return pay(due.claim()).thenReturn(1L);
            }))
        .count();
  }

  /**
   * Asks the gateway. Accepted: no longer due, so the claim's retry never sends it next to the
   * gateway's own retries. A failure is logged and left to the next round.
   */
  private Mono<Void> pay(Claim claim) {
    return Mono.defer(() -> gateway.getObject().refund(new PaymentGateway.RefundOrder(claim.refundNo().value(),
            claim.orderId(), claim.approvedAmount(), claim.paidTotal())))
        .then(db.sql("UPDATE claims SET refund_due_at = NULL WHERE id = :id AND status = 'APPROVED'")
            .bind("id", claim.id()).then())
        .onErrorResume(e -> {
          log.warn("refund {} of claim {} (order {}) failed, sent again later: {}", claim.refundNo(), claim.id(),
              claim.orderId(), e.toString());
          return Mono.empty();
        });
  }

  @Override
  public boolean records(String refundNo) {
    return new RefundNumber(refundNo).claimIdOrNull() != null;
  }

  /**
   * The gateway gave {@code RC<claimId>} up: APPROVED → REFUND_ABNORMAL once, nothing due any more
   * (a person settles it; the merchant's desk lists it with {@code status=REFUND_ABNORMAL}).
   */
  @Override
  public Mono<Void> abnormal(String orderId, String refundNo) {
    Long claimId = new RefundNumber(refundNo).claimIdOrNull();
    return db.sql("UPDATE claims SET status = 'REFUND_ABNORMAL', refund_due_at = NULL"
            + " WHERE id = :id AND order_id = :order AND status = 'APPROVED'")
        .bind("id", claimId).bind("order", orderId).fetch().rowsUpdated()
        .doOnNext(changed -> {
          if (changed > 0) {
            log.warn("refund {} of claim {} (order {}) is ABNORMAL at the gateway: it needs a person", refundNo,
                claimId, orderId);
          }
        })
        .then();
  }

  /**
   * The gateway paid {@code RC<claimId>}: APPROVED → REFUNDED once (a conditional update), the
   * refund row CONFIRMED, and {@link #onRefundConfirmed} in the same transaction. Repeated news
   * changes nothing.
   */
  @Override
  public Mono<String> confirmed(String orderId, String refundNo) {
    long claimId = new RefundNumber(refundNo).claimIdOrNull();
    Instant now = clock.instant();
    return tx.transactional(db.sql("UPDATE claims SET status = 'REFUNDED', refunded_at = :now, refund_due_at = NULL"
                + " WHERE id = :id AND order_id = :order AND status IN ('APPROVED', 'REFUND_ABNORMAL')")
            .bind("now", utc(now)).bind("id", claimId).bind("order", orderId)
            .fetch().rowsUpdated()
            .flatMap(changed -> changed == 0
                ? records.find(claimId).map(c -> c.orderId().equals(orderId) && c.status() == ClaimStatus.REFUNDED
                    ? "DUPLICATE" : "UNKNOWN_REFUND").defaultIfEmpty("UNKNOWN_REFUND")
                : db.sql("UPDATE refunds SET status = 'CONFIRMED', confirmed_at = COALESCE(confirmed_at, :now)"
                        + " WHERE refund_no = :no")
                    .bind("now", utc(now)).bind("no", refundNo).then()
                    .then(records.find(claimId))
                    .flatMap(c -> onRefundConfirmed(new ClaimRefundConfirmed(c.id(), c.orderId(), refundNo,
                        c.approvedAmount(), c.paidTotal(), now)))
                    .thenReturn("REFUNDED")))
        // The reversal lowered the leader's commission: the daily figures follow, after the commit, and
        // on the gateway's repeated news too, so a refresh that failed heals.
        .flatMap(answer -> "UNKNOWN_REFUND".equals(answer) ? Mono.just(answer)
            : sales.refreshAfter(orderId).thenReturn(answer));
  }

  /**
   * The one place a claim's refund is confirmed, exactly once per claim, inside the transaction that
   * marks it REFUNDED (a failure here rolls that back and the gateway's news is taken again): the
   * leader's commission on the order is reversed in proportion ({@code amount} of {@code paidTotal}),
   * in the same transaction, once per refund number.
   */
  Mono<Void> onRefundConfirmed(ClaimRefundConfirmed confirmed) {
    log.info("claim {} refunded: {} of {} fen for order {} ({})", confirmed.claimId(), confirmed.amount(),
        confirmed.paidTotal(), confirmed.orderId(), confirmed.refundNo());
    // The buyer has the money: a ledger that refuses the reversal (its record of the order disagrees)
    // must not hold the claim back for ever, so it is logged for an operator and the claim goes on.
    return commissions.reverseForRefund(confirmed.orderId(), confirmed.refundNo(), confirmed.amount(),
            confirmed.paidTotal())
        .onErrorResume(InvalidLeaderRequest.class, refused -> {
          log.error("claim {}: the commission ledger refused the reversal for order {} ({}): {}", confirmed.claimId(),
              confirmed.orderId(), confirmed.refundNo(), refused.getMessage());
          return Mono.empty();
        })
        .then();
  }
}
