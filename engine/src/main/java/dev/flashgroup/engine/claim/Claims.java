package dev.flashgroup.engine.claim;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.claim.InvalidClaim.Violation;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.order.Orders;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * After-sales claims (售后理赔): a buyer claims part or all of a picked-up order within
 * {@code flashgroup.claims.window} of its pickup; a small claim within the buyer's monthly allowance
 * is approved at once, any other waits for the activity's merchant, who approves (possibly for
 * less) or rejects it. An approved claim is refunded through the payment gateway as
 * {@code RC<claimId>} ({@link ClaimRefunds}).
 *
 * <p>What claims may take from an order is decided in MySQL by one conditional update of the
 * order's {@code claim_balances} row, in the filing's transaction: concurrent claims never promise
 * more than the buyer paid, and a decision only lowers what is promised. Decisions are conditional
 * updates of the claim's status (PENDING only), so of concurrent approvals one wins.
 */
@Service
public class Claims {

  public static final int MAX_PAGE = 100;
  public static final int MAX_REJECTION = 500;

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final Orders orders;
  private final Activities activities;
  private final ClaimRecords records;
  private final ClaimRefunds refunds;
  private final ClaimSettings settings;
  private final Clock clock;

  Claims(DatabaseClient db, ReactiveTransactionManager transactions, Orders orders, Activities activities,
      ClaimRecords records, ClaimRefunds refunds, ClaimSettings settings, Clock clock) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
    this.orders = orders;
    this.activities = activities;
    this.records = records;
    this.refunds = refunds;
    this.settings = settings;
    this.clock = clock;
  }

  /** Files a claim on the buyer's own picked-up order; throws {@link InvalidClaim} for bad fields. */
  public Mono<Filing> file(String orderId, String buyerId, ClaimDraft draft) {
    return Mono.fromCallable(draft::checked)
        .flatMap(d -> orders.find(orderId).flatMap(order -> file(order, buyerId, d, clock.instant())))
        .defaultIfEmpty(new Filing.NoSuchOrder());
  }

  private Mono<Filing> file(OrderView order, String buyerId, ClaimDraft draft, Instant now) {
    if (!order.buyerId().equals(buyerId)) {
      return Mono.just(new Filing.NotYours());
    }
    if (order.status() != OrderStatus.PICKED_UP || order.pickedUpAt() == null) {
      return Mono.just(new Filing.NotPickedUp(order.status()));
    }
    Instant closes = order.pickedUpAt().plus(settings.window());
    if (!now.isBefore(closes)) {
      return Mono.just(new Filing.WindowClosed(closes));
    }
    return activities.find(new ActivityId(order.activityId()))
        .switchIfEmpty(Mono.error(() -> new IllegalStateException("order " + order.id() + " has no activity")))
        .flatMap(activity -> rowsToTake(order, buyerId, draft, now)
            .then(tx.transactional(record(order, activity.merchantId(), buyerId, draft, now))))
        .flatMap(filing -> filing instanceof Filing.Filed filed && filed.claim().status() == ClaimStatus.APPROVED
            ? refunds.send(filed.claim()).then(records.find(filed.claim().id())).map(Filing.Filed::new)
            : Mono.just(filing));
  }

  /**
   * The rows the filing's transaction takes: the order's balance and, for a small claim, the buyer's
   * month. Created before it, each in its own statement: two transactions that both found the row
   * missing would each hold a shared lock from the duplicate check and wait for the other's to
   * take the row for the update (InnoDB's insert-then-update deadlock).
   */
  private Mono<Void> rowsToTake(OrderView order, String buyerId, ClaimDraft draft, Instant now) {
    Mono<Void> balance = db.sql("INSERT IGNORE INTO claim_balances (order_id, refundable, claimed)"
            + " VALUES (:order, :refundable, 0)")
        .bind("order", order.id()).bind("refundable", refundable(order)).then();
    if (!small(draft.amount())) {
      return balance;
    }
    return balance.then(db.sql("INSERT IGNORE INTO claim_months (buyer_id, month, auto_approved)"
            + " VALUES (:buyer, :month, 0)")
        .bind("buyer", buyerId).bind("month", month(now)).then());
  }

  /**
   * In one transaction: the order's balance and one of its claims taken (both or neither, by one
   * conditional update, so concurrent filings stay within both bounds), the monthly allowance taken
   * when small, the claim.
   */
  private Mono<Filing> record(OrderView order, String merchantId, String buyerId, ClaimDraft draft, Instant now) {
    long amount = draft.amount();
    return db.sql("UPDATE claim_balances SET claimed = claimed + :amount, claims = claims + 1"
                + " WHERE order_id = :order AND claimed + :amount <= refundable AND claims < :max")
            .bind("amount", amount).bind("order", order.id()).bind("max", settings.maxPerOrder())
            .fetch().rowsUpdated()
        .flatMap(taken -> taken == 0
            ? refusal(order.id())
            : autoApproval(buyerId, amount, now)
                .flatMap(auto -> insert(order, merchantId, buyerId, draft, auto, now))
                .flatMap(records::find)
                .map(Filing.Filed::new));
  }

  /** What the buyer paid in the end: the settled price, else what was paid less what went back. */
  private static long refundable(OrderView order) {
    return order.finalAmount() != null ? order.finalAmount() : order.paidAmount() - order.refundedAmount();
  }

  /** Why the balance was not taken: the order's claims used up, else what is still refundable. */
  private Mono<Filing> refusal(String orderId) {
    return db.sql("SELECT refundable - claimed AS left_over, claims FROM claim_balances WHERE order_id = :order")
        .bind("order", orderId)
        .map(row -> row.get("claims", Integer.class) >= settings.maxPerOrder()
            ? (Filing) new Filing.TooManyClaims(settings.maxPerOrder())
            : new Filing.AboveRefundable(row.get("left_over", Long.class)))
        .one();
  }

  /** Whether this claim is approved at once: small, and the buyer's allowance this month not used up. */
  private Mono<Boolean> autoApproval(String buyerId, long amount, Instant now) {
    if (!small(amount)) {
      return Mono.just(false);
    }
    return db.sql("UPDATE claim_months SET auto_approved = auto_approved + 1"
            + " WHERE buyer_id = :buyer AND month = :month AND auto_approved < :limit")
        .bind("buyer", buyerId).bind("month", month(now)).bind("limit", settings.monthlyAutoApprovals())
        .fetch().rowsUpdated()
        .map(taken -> taken > 0);
  }

  private boolean small(long amount) {
    return amount <= settings.autoApprove() && settings.monthlyAutoApprovals() > 0;
  }

  /** The calendar month {@code now} falls in, where the buyers are, as {@code 2026-12}. */
  private String month(Instant now) {
    return YearMonth.from(now.atZone(settings.zone())).toString();
  }

  private Mono<Long> insert(OrderView order, String merchantId, String buyerId, ClaimDraft draft, boolean auto,
      Instant now) {
    return db.sql("INSERT INTO claims (order_id, activity_id, merchant_id, buyer_id, reason, amount, approved_amount,"
            + " paid_total, note, photo_urls, status, auto_approved, filed_at, decided_at, refund_due_at)"
            + " VALUES (:order, :activity, :merchant, :buyer, :reason, :amount, :approved, :paid, :note, :photos,"
            + " :status, :auto, :now, :decided, :due)")
        .bind("order", order.id()).bind("activity", order.activityId()).bind("merchant", merchantId)
        .bind("buyer", buyerId).bind("reason", draft.reasonOrNull().name()).bind("amount", draft.amount())
        .bind("approved", Parameter.fromOrEmpty(auto ? draft.amount() : null, Long.class))
        .bind("paid", order.paidAmount())
        .bind("note", Parameter.fromOrEmpty(draft.note(), String.class))
        .bind("photos", Parameter.fromOrEmpty(draft.photos().isEmpty() ? null
            : String.join(ClaimRecords.PHOTO_SEPARATOR, draft.photos()), String.class))
        .bind("status", (auto ? ClaimStatus.APPROVED : ClaimStatus.PENDING).name())
        .bind("auto", auto)
        .bind("now", utc(now))
        .bind("decided", Parameter.fromOrEmpty(auto ? utc(now) : null, LocalDateTime.class))
        .bind("due", Parameter.fromOrEmpty(auto ? utc(now.plus(settings.retryAfter(1))) : null,
            LocalDateTime.class))
        .filter(statement -> statement.returnGeneratedValues("id"))
        .map(row -> row.get("id", Long.class))
        .one()
        .flatMap(id -> auto ? refunds.requested(id, order.id(), draft.amount(), now).thenReturn(id) : Mono.just(id));
  }

  /**
   * The merchant (or an admin) approves a PENDING claim, for {@code amountOrNull} (at most what was
   * asked) or what was asked; the refund is sent once the decision committed.
   */
  public Mono<ClaimDecision> approve(long claimId, String merchantOrNull, String decider, Long amountOrNull) {
    if (amountOrNull != null) {
      List<Violation> v = new ArrayList<>();
      ClaimDraft.amount(v, "amount", amountOrNull);
      if (!v.isEmpty()) {
        return Mono.error(new InvalidClaim(v));
      }
    }
    Instant now = clock.instant();
    return decide(claimId, merchantOrNull, claim -> {
      long amount = amountOrNull == null ? claim.amount() : amountOrNull;
      if (amount > claim.amount()) {
        return Mono.just(new ClaimDecision.AboveAsked(claim.amount()));
      }
      return tx.transactional(db.sql("UPDATE claims SET status = 'APPROVED', approved_amount = :amount,"
                  + " decided_by = :decider, decided_at = :now, refund_due_at = :due WHERE id = :id AND status = 'PENDING'")
              .bind("amount", amount).bind("decider", decider).bind("now", utc(now))
              .bind("due", utc(now.plus(settings.retryAfter(1)))).bind("id", claimId)
              .fetch().rowsUpdated()
              .flatMap(won -> won == 0 ? Mono.just(false)
                  : giveBack(claim.orderId(), claim.amount() - amount)
                      .then(refunds.requested(claimId, claim.orderId(), amount, now)).thenReturn(true)))
          .flatMap(won -> won
              ? records.find(claimId).flatMap(approved -> refunds.send(approved).then(records.find(claimId)))
                  .map(ClaimDecision.Done::new)
              : records.find(claimId).map(ClaimDecision.AlreadyDecided::new));
    });
  }

  /** The merchant (or an admin) rejects a PENDING claim with a reason (1–500 printable characters). */
  public Mono<ClaimDecision> reject(long claimId, String merchantOrNull, String decider, String reason) {
    List<Violation> v = new ArrayList<>();
    if (reason == null || reason.isBlank()) {
      v.add(new Violation("reason", "is required: 1-" + MAX_REJECTION + " printable characters"));
    } else {
      ClaimDraft.text(v, "reason", reason, MAX_REJECTION);
    }
    if (!v.isEmpty()) {
      return Mono.error(new InvalidClaim(v));
    }
    Instant now = clock.instant();
    return decide(claimId, merchantOrNull, claim -> tx.transactional(db.sql("UPDATE claims SET status = 'REJECTED',"
                + " rejection = :reason, decided_by = :decider, decided_at = :now WHERE id = :id AND status = 'PENDING'")
            .bind("reason", reason.strip()).bind("decider", decider).bind("now", utc(now)).bind("id", claimId)
            .fetch().rowsUpdated()
            .flatMap(won -> won == 0 ? Mono.just(false) : giveBack(claim.orderId(), claim.amount()).thenReturn(true)))
        .flatMap(won -> records.find(claimId)
            .map(c -> won ? new ClaimDecision.Done(c) : new ClaimDecision.AlreadyDecided(c))));
  }

  private Mono<ClaimDecision> decide(long claimId, String merchantOrNull,
      Function<Claim, Mono<ClaimDecision>> pending) {
    return records.find(claimId)
        .flatMap(claim -> {
          if (merchantOrNull != null && !merchantOrNull.equals(claim.merchantId())) {
            return Mono.<ClaimDecision>just(new ClaimDecision.NotYours());
          }
          return claim.status() == ClaimStatus.PENDING ? pending.apply(claim)
              : Mono.just(new ClaimDecision.AlreadyDecided(claim));
        })
        .defaultIfEmpty(new ClaimDecision.NoSuchClaim());
  }

  /** What a decision no longer promises goes back to the order's balance. */
  private Mono<Void> giveBack(String orderId, long amount) {
    if (amount == 0) {
      return Mono.empty();
    }
    return db.sql("UPDATE claim_balances SET claimed = claimed - :amount WHERE order_id = :order")
        .bind("amount", amount).bind("order", orderId).then();
  }

  public Mono<Claim> find(long claimId) {
    return records.find(claimId);
  }

  /** A merchant's claims (everyone's for null), newest first, below {@code before} (0: the newest). */
  public Flux<Claim> list(String merchantOrNull, ClaimStatus statusOrNull, long before, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE);
    }
    return records.page(merchantOrNull, statusOrNull, before, limit);
  }

  /** The claims on one order, oldest first. */
  public Flux<Claim> ofOrder(String orderId) {
    return records.ofOrder(orderId);
  }
}
