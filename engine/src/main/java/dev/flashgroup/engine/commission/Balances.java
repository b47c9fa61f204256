package dev.flashgroup.engine.commission;

import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A leader's figures. The balance is the commission of the settled orders (what settled, less what
 * refunds took back since) less the withdrawals paid or pending: it may be negative after a refund
 * that came after settlement, and later settlements make it up.
 */
@Component
class Balances {

  /** Amounts in fen; see {@link Dashboard} for what each means. */
  record Totals(long expected, long earned, long settled, long reversed, long balance, long withdrawn) {}

  private final DatabaseClient db;

  Balances(DatabaseClient db) {
    this.db = db;
  }

  /** What the leader may withdraw now; run after the leader's row is locked (see {@link Withdrawals}). */
  Mono<Long> balance(String leader) {
    return Mono.zip(byStage(leader), withdrawals(leader, true))
        .map(t -> t.getT1().getOrDefault("SETTLED", 0L) - t.getT2().getOrDefault("PAID", 0L)
            - t.getT2().getOrDefault("PENDING", 0L));
  }

  Mono<Totals> totals(String leader) {
    Mono<Long> settled = db.sql("SELECT SUM(amount) AS n FROM commission_entries WHERE leader_id = :leader"
            + " AND kind = 'SETTLED'")
        .bind("leader", leader).map(r -> number(r.get("n", Number.class))).one().defaultIfEmpty(0L);
    // What reversals took: the same figure whatever order the refunds arrived in (see CommissionPlan).
    Mono<Long> reversed = db.sql("SELECT SUM(base - total) AS n FROM commissions WHERE leader_id = :leader")
        .bind("leader", leader).map(r -> number(r.get("n", Number.class))).one().defaultIfEmpty(0L);
    return Mono.zip(byStage(leader), settled, reversed, withdrawals(leader, false)).map(t -> {
      Map<String, Long> stages = t.getT1();
      Map<String, Long> paidOut = t.getT4();
      long withdrawn = paidOut.getOrDefault("PAID", 0L);
      return new Totals(stages.getOrDefault("EXPECTED", 0L), stages.getOrDefault("EARNED", 0L), t.getT2(), t.getT3(),
          stages.getOrDefault("SETTLED", 0L) - withdrawn - paidOut.getOrDefault("PENDING", 0L), withdrawn);
    });
  }

  private Mono<Map<String, Long>> byStage(String leader) {
    return db.sql("SELECT stage, SUM(total) AS n FROM commissions WHERE leader_id = :leader GROUP BY stage")
        .bind("leader", leader).map(r -> Map.entry(r.get("stage", String.class), number(r.get("n", Number.class))))
        .all().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private Mono<Map<String, Long>> withdrawals(String leader, boolean locking) {
    return db.sql("SELECT status, SUM(amount) AS n FROM withdrawals WHERE leader_id = :leader"
            + " AND status IN ('PENDING', 'PAID') GROUP BY status" + (locking ? " FOR UPDATE" : ""))
        .bind("leader", leader).map(r -> Map.entry(r.get("status", String.class), number(r.get("n", Number.class))))
        .all().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** SUM over BIGINT is DECIMAL in MySQL. */
  private static long number(Number n) {
    return n == null ? 0 : n.longValue();
  }
}
