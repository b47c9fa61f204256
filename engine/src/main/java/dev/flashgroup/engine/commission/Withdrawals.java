package dev.flashgroup.engine.commission;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.leader.InvalidLeaderRequest;
import dev.flashgroup.engine.leader.InvalidLeaderRequest.Violation;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Withdrawals of settled commission. A request locks the leader's row first, so a leader's requests
 * run one after another: each sees the balance and the pending withdrawal the one before left, and
 * of two requests for the whole balance exactly one is accepted. (The pending key backs the
 * one-pending rule up.) A rejected withdrawal gives its amount back to the balance.
 */
@Service
public class Withdrawals {

  /** Largest withdrawal: a hundred million yuan, far beyond any balance, exact everywhere. */
  public static final long MAX_AMOUNT = 10_000_000_000L;
  public static final int MAX_PAGE = 100;
  /** A bank or WeChat transfer's reference. */
  public static final Pattern TRANSFER_REFERENCE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final String COLUMNS = "id, leader_id, amount, status, transfer_reference, reason, requested_at,"
      + " decided_at, decided_by";

  private final DatabaseClient db;
  private final Balances balances;
  private final CommissionSettings settings;
  private final TransactionalOperator tx;
  private final Clock clock;

  Withdrawals(DatabaseClient db, Balances balances, CommissionSettings settings, ReactiveTransactionManager transactions,
      Clock clock) {
    this.db = db;
    this.balances = balances;
    this.settings = settings;
    this.tx = TransactionalOperator.create(transactions);
    this.clock = clock;
  }

  public Mono<WithdrawalRequest> request(String leader, long amount) {
    if (amount < 1 || amount > MAX_AMOUNT) {
      return Mono.error(new InvalidLeaderRequest(List.of(new Violation("amount", "must be 1 to " + MAX_AMOUNT + " fen"))));
    }
    if (amount < settings.minWithdrawal()) {
      return Mono.just(new WithdrawalRequest.BelowMinimum(settings.minWithdrawal()));
    }
    return tx.transactional(db.sql("SELECT subject FROM leaders WHERE subject = :leader FOR UPDATE")
            .bind("leader", leader).map(r -> r.get("subject", String.class)).one()
            .flatMap(locked -> pending(leader)
                .<WithdrawalRequest>map(WithdrawalRequest.AlreadyPending::new)
                .switchIfEmpty(Mono.defer(() -> balances.balance(leader).flatMap(balance -> amount > balance
                    ? Mono.just(new WithdrawalRequest.InsufficientBalance(balance))
                    : insert(leader, amount))))))
        .defaultIfEmpty(new WithdrawalRequest.NotALeader())
        // ux_withdrawals_pending: cannot happen under the lock; kept as the rule's last line.
        .onErrorResume(DataIntegrityViolationException.class,
            e -> pending(leader).<WithdrawalRequest>map(WithdrawalRequest.AlreadyPending::new)
                .defaultIfEmpty(new WithdrawalRequest.NotALeader()));
  }

  private Mono<WithdrawalRequest> insert(String leader, long amount) {
    return db.sql("INSERT INTO withdrawals (leader_id, pending_leader, amount, status, requested_at)"
            + " VALUES (:leader, :leader, :amount, 'PENDING', :now)")
        .bind("leader", leader).bind("amount", amount).bind("now", utc(clock.instant()))
        .filter(statement -> statement.returnGeneratedValues("id"))
        .map(row -> row.get("id", Long.class))
        .one()
        .flatMap(this::find)
        .map(WithdrawalRequest.Accepted::new);
  }

  /**
   * An admin paid it out, with the transfer's reference; a reference marks one withdrawal paid
   * ({@code ux_withdrawals_transfer}), another one is refused with nothing changed.
   */
  public Mono<WithdrawalDecision> markPaid(long id, String admin, String transferReference) {
    if (transferReference == null || !TRANSFER_REFERENCE.matcher(transferReference).matches()) {
      return Mono.error(new InvalidLeaderRequest(List.of(new Violation("transferReference",
          "must be 1 to 64 of A-Z a-z 0-9 _ -"))));
    }
    return decide(id, "PAID", transferReference, null, admin)
        .onErrorResume(DataIntegrityViolationException.class,
            e -> Mono.just(new WithdrawalDecision.TransferReferenceUsed(transferReference)));
  }

  /** An admin refused it; its amount is part of the balance again. */
  public Mono<WithdrawalDecision> reject(long id, String admin, String reason) {
    return Mono.fromRunnable(() -> CommissionLedger.checkNote(reason))
        .then(Mono.defer(() -> decide(id, "REJECTED", null, reason.strip(), admin)));
  }

  private Mono<WithdrawalDecision> decide(long id, String status, String reference, String reason, String admin) {
    return db.sql("UPDATE withdrawals SET status = :status, pending_leader = NULL, transfer_reference = :reference,"
            + " reason = :reason, decided_at = :now, decided_by = :admin WHERE id = :id AND status = 'PENDING'")
        .bind("status", status)
        .bind("reference", Parameter.fromOrEmpty(reference, String.class))
        .bind("reason", Parameter.fromOrEmpty(reason, String.class))
        .bind("now", utc(clock.instant())).bind("admin", admin).bind("id", id)
        .fetch().rowsUpdated()
        .flatMap(changed -> find(id).<WithdrawalDecision>map(w -> changed == 1
            ? new WithdrawalDecision.Decided(w) : new WithdrawalDecision.AlreadyDecided(w)))
        .defaultIfEmpty(new WithdrawalDecision.NoSuchWithdrawal());
  }

  public Mono<Withdrawal> find(long id) {
    return db.sql("SELECT " + COLUMNS + " FROM withdrawals WHERE id = :id").bind("id", id)
        .map(Withdrawals::withdrawalOf).one();
  }

  /** A leader's withdrawals, newest first, ids below {@code before}. */
  public Flux<Withdrawal> ofLeader(String leader, long before, int limit) {
    return db.sql("SELECT " + COLUMNS + " FROM withdrawals WHERE leader_id = :leader AND id < :before"
            + " ORDER BY id DESC LIMIT :limit")
        .bind("leader", leader).bind("before", before).bind("limit", Math.max(1, Math.min(limit, MAX_PAGE)))
        .map(Withdrawals::withdrawalOf).all();
  }

  private Mono<Withdrawal> pending(String leader) {
    return db.sql("SELECT " + COLUMNS + " FROM withdrawals WHERE pending_leader = :leader FOR UPDATE")
        .bind("leader", leader).map(Withdrawals::withdrawalOf).one();
  }

  private static Withdrawal withdrawalOf(Readable r) {
    return new Withdrawal(r.get("id", Long.class), r.get("leader_id", String.class), r.get("amount", Long.class),
        Withdrawal.Status.valueOf(r.get("status", String.class)), r.get("transfer_reference", String.class),
        r.get("reason", String.class), instant(r.get("requested_at", LocalDateTime.class)),
        instant(r.get("decided_at", LocalDateTime.class)), r.get("decided_by", String.class));
  }
}
