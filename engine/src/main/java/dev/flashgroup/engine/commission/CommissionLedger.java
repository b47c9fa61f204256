package dev.flashgroup.engine.commission;

import dev.flashgroup.engine.analytics.DailySales;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.kernel.Text;
import dev.flashgroup.engine.leader.InvalidLeaderRequest;
import dev.flashgroup.engine.leader.InvalidLeaderRequest.Violation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The leaders' commission ledger in MySQL (docs/commission.md). The order projector feeds it from
 * the order's events ({@link CommissionProjection}); other features report refunds the order's
 * events do not carry ({@link #reverseForRefund}); admins take commission back. Every change of an
 * order's commission holds the lock of its {@code commissions} row, and every entry has a
 * deterministic key (order, kind, refund number) under a unique constraint, so a repeat changes
 * nothing and the order of arrival does not change the outcome.
 */
@Service
public class CommissionLedger {

  public static final int MAX_PAGE = 100;
  public static final int MAX_REASON_LENGTH = 500;
  /** The reason after-sales claims give their refunds ({@code RC<claimId>}). */
  public static final String CLAIM = "CLAIM";
  public static final String ADMIN = "ADMIN";
  /** Largest refund or payment the ledger accepts from a caller: exact in a BIGINT times the largest rate. */
  public static final long MAX_AMOUNT = 1_000_000_000_000L;
  /** A refund number as the payment gateway takes it (WeChat Pay: at most 64 of these). */
  public static final Pattern REFUND_NO = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern REASON = Pattern.compile("[A-Z_]{1,32}");

  private final CommissionRecords records;
  private final DailySales sales;
  private final CommissionSettings settings;
  private final TransactionalOperator tx;
  private final Clock clock;

  CommissionLedger(CommissionRecords records, CommissionSettings settings, ReactiveTransactionManager transactions,
      DailySales sales, Clock clock) {
    this.records = records;
    this.sales = sales;
    this.settings = settings;
    this.tx = TransactionalOperator.create(transactions);
    this.clock = clock;
  }

  /**
   * Reverses the commission on {@code refundAmount} of the order's {@code paidAmount}, for an
   * after-sales claim (reason {@link #CLAIM}). Idempotent: the same refund number reverses once, and
   * a repeat answers the same amount. Completes with the fen taken back (0 when the order carries no
   * commission). Before or after settlement: after it, the leader's balance goes down (it may go
   * negative, and later commission makes it up). Refused (nothing changed) when the refund number is
   * {@link #ADMIN} or already used for another order, or when the order's commission records another
   * amount paid.
   */
  public Mono<Long> reverseForRefund(String orderId, String refundNo, long refundAmount, long paidAmount) {
    return reverseForRefund(orderId, refundNo, refundAmount, paidAmount, CLAIM);
  }

  /**
   * As {@link #reverseForRefund(String, String, long, long)} with another reason that reverses
   * commission ({@link RefundEffect#REVERSES}: GROUP_FAILED, LATE_PAYMENT, ACTIVITY_CANCELLED, CLAIM).
   */
  public Mono<Long> reverseForRefund(String orderId, String refundNo, long refundAmount, long paidAmount,
      String reason) {
    return Mono.fromRunnable(() -> checkRefund(orderId, refundNo, refundAmount, paidAmount, reason))
        .then(Mono.defer(() -> {
          Instant now = clock.instant();
          return tx.transactional(records.lock(orderId)
              .doOnNext(row -> checkPaid(row, paidAmount))
              .then(records.recordRefund(refundNo, orderId, refundAmount, reason, now))
              .doOnNext(recordedFor -> checkRefundNo(recordedFor, orderId))
              .then(reconcile(orderId, now))
              .then(records.entry(orderId, EntryKind.REVERSED, refundNo).map(e -> -e.amount()).defaultIfEmpty(0L)));
        }));
  }

  /** An admin takes back what is left of the leader's commission on the order, with a reason. */
  public Mono<AdminReversal> reverseByAdmin(String leader, String orderId, String reason) {
    return Mono.fromRunnable(() -> {
      checkOrderId(orderId);
      checkNote(reason);
    }).then(Mono.defer(() -> {
      Instant now = clock.instant();
      return tx.transactional(reconcile(orderId, now)
          .then(records.lock(orderId))
          .filter(row -> row.leaderId().equals(leader))
          .flatMap(row -> row.adminReversed()
              ? records.entry(orderId, EntryKind.REVERSED, ADMIN).<AdminReversal>map(AdminReversal.AlreadyReversed::new)
              : takeBack(row, reason.strip(), now))
          .defaultIfEmpty(new AdminReversal.NoCommission()))
          // After the commit, in a transaction of its own (it locks the order, then reads the commission);
          // on a retry too, so a refresh that failed heals. A failed refresh is logged: the reversal stands.
          .flatMap(outcome -> outcome instanceof AdminReversal.NoCommission ? Mono.just(outcome)
              : sales.refreshAfter(orderId).thenReturn(outcome));
    }));
  }

  private Mono<AdminReversal> takeBack(CommissionRow row, String reason, Instant at) {
    var entry = new CommissionPlan.NewEntry(EntryKind.REVERSED, ADMIN, -row.total(), row.stage(), ADMIN);
    return records.append(row, entry, reason, at)
        .then(records.update(row.orderId(), row.stage(), 0, null, row.settleAt(), true, at))
        .then(records.entry(row.orderId(), EntryKind.REVERSED, ADMIN))
        .map(AdminReversal.Reversed::new);
  }

  /** A leader's entries, newest first, with ids below {@code before} (use {@link Long#MAX_VALUE} for the first page). */
  public Flux<LedgerEntry> entries(String leader, long before, int limit) {
    return records.entries(leader, before, Math.max(1, Math.min(limit, MAX_PAGE)));
  }

  /**
   * Appends whatever the order's recorded facts imply and its entries lack, in the caller's
   * transaction; nothing when the order has no commission (yet).
   */
  Mono<Void> reconcile(String orderId, Instant at) {
    return records.lock(orderId)
        .flatMap(row -> Mono.zip(records.recordedKeys(orderId), records.refunds(orderId))
            .flatMap(known -> write(row, CommissionPlan.of(row, known.getT1(), known.getT2(), settings.settleAfter()),
                at)));
  }

  private Mono<Void> write(CommissionRow row, CommissionPlan plan, Instant at) {
    if (plan.entries().isEmpty()) {
      return Mono.empty();
    }
    return Flux.fromIterable(plan.entries()).concatMap(e -> records.append(row, e, null, at))
        .then(records.update(row.orderId(), plan.stage(), plan.total(), plan.base(), plan.settleAt(), row.adminReversed(),
            at));
  }

  private static void checkRefund(String orderId, String refundNo, long refundAmount, long paidAmount, String reason) {
    List<Violation> v = new ArrayList<>(orderIdViolations(orderId));
    if (refundNo == null || !REFUND_NO.matcher(refundNo).matches() || ADMIN.equals(refundNo)) {
      v.add(new Violation("refundNo", "must be 1 to 64 of A-Z a-z 0-9 _ -, not " + ADMIN + " (an admin's reversal)"));
    }
    if (paidAmount < 1 || paidAmount > MAX_AMOUNT) {
      v.add(new Violation("paidAmount", "must be 1 to " + MAX_AMOUNT + " fen"));
    }
    if (refundAmount < 1 || refundAmount > paidAmount) {
      v.add(new Violation("refundAmount", "must be 1 fen to the amount paid"));
    }
    if (reason == null || !REASON.matcher(reason).matches()
        || RefundEffect.of(reason).filter(e -> e == RefundEffect.REVERSES).isEmpty()) {
      v.add(new Violation("reason", "must be a reason that reverses commission: GROUP_FAILED, LATE_PAYMENT,"
          + " ACTIVITY_CANCELLED or CLAIM"));
    }
    if (!v.isEmpty()) {
      throw new InvalidLeaderRequest(v);
    }
  }

  /** The amount the caller says was paid must be the one the order's commission records. */
  private static void checkPaid(CommissionRow row, long paidAmount) {
    if (row.paidAmount() != paidAmount) {
      throw new InvalidLeaderRequest(List.of(new Violation("paidAmount",
          "must be the amount paid for the order (" + row.paidAmount() + " fen)")));
    }
  }

  /** A refund number names one refund of one order. */
  private static void checkRefundNo(String recordedFor, String orderId) {
    if (!recordedFor.equals(orderId)) {
      throw new InvalidLeaderRequest(List.of(new Violation("refundNo", "is already used for another order")));
    }
  }

  static void checkOrderId(String orderId) {
    List<Violation> v = orderIdViolations(orderId);
    if (!v.isEmpty()) {
      throw new InvalidLeaderRequest(v);
    }
  }

  private static List<Violation> orderIdViolations(String orderId) {
    return orderId == null || orderId.length() > 40 || ActivityId.owning(orderId).isEmpty()
        ? List.of(new Violation("orderId", "must be an order id")) : List.of();
  }

  static void checkNote(String reason) {
    if (reason == null || reason.isBlank() || reason.strip().codePointCount(0, reason.strip().length()) > MAX_REASON_LENGTH
        || !Text.isPrintable(reason)) {
      throw new InvalidLeaderRequest(List.of(new Violation("reason",
          "must be 1 to " + MAX_REASON_LENGTH + " printable characters")));
    }
  }
}
