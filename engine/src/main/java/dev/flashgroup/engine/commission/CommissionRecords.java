package dev.flashgroup.engine.commission;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.order.event.OrderSnapshot;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The commission tables: one row per attributed paid order, its refunds and its entries. */
@Component
class CommissionRecords {

  static final String ENTRY_COLUMNS = "id, leader_id, order_id, kind, ref, amount, stage, reason, note, created_at";

  private final DatabaseClient db;

  CommissionRecords(DatabaseClient db) {
    this.db = db;
  }

  /**
   * What a snapshot tells about an attributed paid order: the row is created once, with the
   * activity's rate; the pickup time is kept from the first snapshot that carries it. Leader, rate
   * and amount paid never change once the order is paid. The rate is read without a lock (it is
   * fixed from the activity's start, before any order is paid): an {@code INSERT ... SELECT} would
   * hold a shared lock on the activity's row for the whole projector transaction, and merchants'
   * changes of the activity ({@code Activities.lock}) would queue behind it.
   */
  Mono<Void> recordFacts(OrderSnapshot o, Instant at) {
    return rate(o.activityId().value()).flatMap(bps -> db.sql("INSERT INTO commissions (order_id, leader_id,"
            + " activity_id, bps, paid_amount, picked_up_at, stage, total, base, version, created_at, updated_at)"
            + " VALUES (:order, :leader, :activity, :bps, :paid, :pickedUp, 'EXPECTED', 0, 0, 0, :at, :at)"
            + " ON DUPLICATE KEY UPDATE picked_up_at = COALESCE(picked_up_at, VALUES(picked_up_at))")
        .bind("order", o.id())
        .bind("leader", o.leaderId())
        .bind("activity", o.activityId().value())
        .bind("bps", bps)
        .bind("paid", o.paidAmount())
        .bind("pickedUp", Parameter.fromOrEmpty(o.pickedUpAt() == null ? null
            : utc(Instant.ofEpochMilli(o.pickedUpAt())), LocalDateTime.class))
        .bind("at", utc(at))
        .then());
  }

  /** The activity's commission rate, by a plain (non-locking) read; empty for an unknown activity. */
  private Mono<Integer> rate(long activity) {
    return db.sql("SELECT leader_commission_bps FROM activities WHERE id = :activity")
        .bind("activity", activity)
        .map(r -> r.get("leader_commission_bps", Integer.class))
        .one();
  }

  /**
   * A refund of the order, once per refund number (the first record wins: numbers are
   * deterministic). Completes with the order the number is recorded for: another order's id when
   * the number was used for it.
   */
  Mono<String> recordRefund(String refundNo, String orderId, long amount, String reason, Instant at) {
    return db.sql("INSERT IGNORE INTO commission_refunds (refund_no, order_id, amount, reason, recorded_at)"
            + " VALUES (:no, :order, :amount, :reason, :at)")
        .bind("no", refundNo).bind("order", orderId).bind("amount", amount).bind("reason", reason).bind("at", utc(at))
        .then()
        .then(db.sql("SELECT order_id FROM commission_refunds WHERE refund_no = :no FOR UPDATE").bind("no", refundNo)
            .map(r -> r.get("order_id", String.class)).one());
  }

  /** The order's commission, locked until the transaction ends; empty when it has none (yet). */
  Mono<CommissionRow> lock(String orderId) {
    return db.sql("SELECT order_id, leader_id, bps, paid_amount, picked_up_at, stage, total, admin_reversed, settle_at"
            + " FROM commissions WHERE order_id = :order FOR UPDATE")
        .bind("order", orderId)
        .map(CommissionRecords::rowOf)
        .one();
  }

  /*
   * The order's entries and refunds are read with FOR UPDATE (after its row's lock): a locking read
   * sees what is committed now, a plain one the snapshot the transaction took at its first read
   * (REPEATABLE READ), older than the row just locked when an event carries several orders.
   */

  Mono<Set<String>> recordedKeys(String orderId) {
    return db.sql("SELECT kind, ref FROM commission_entries WHERE order_id = :order FOR UPDATE")
        .bind("order", orderId)
        .map(r -> CommissionPlan.key(EntryKind.valueOf(r.get("kind", String.class)), r.get("ref", String.class)))
        .all()
        .collect(Collectors.toSet());
  }

  Mono<List<RefundFact>> refunds(String orderId) {
    return db.sql("SELECT refund_no, amount, reason FROM commission_refunds WHERE order_id = :order ORDER BY refund_no"
            + " FOR UPDATE")
        .bind("order", orderId)
        .map(r -> new RefundFact(r.get("refund_no", String.class), r.get("amount", Long.class),
            r.get("reason", String.class)))
        .all()
        .collectList();
  }

  Mono<Void> append(CommissionRow row, CommissionPlan.NewEntry e, String note, Instant at) {
    return db.sql("INSERT INTO commission_entries (leader_id, order_id, kind, ref, amount, stage, reason, note,"
            + " created_at) VALUES (:leader, :order, :kind, :ref, :amount, :stage, :reason, :note, :at)")
        .bind("leader", row.leaderId()).bind("order", row.orderId()).bind("kind", e.kind().name())
        .bind("ref", e.ref()).bind("amount", e.amount()).bind("stage", e.stage().name()).bind("reason", e.reason())
        .bind("note", Parameter.fromOrEmpty(note, String.class)).bind("at", utc(at))
        .then();
  }

  /** The row after its new entries; {@code base} null keeps it. */
  Mono<Void> update(String orderId, Stage stage, long total, Long base, Instant settleAt, boolean adminReversed,
      Instant at) {
    return db.sql("UPDATE commissions SET stage = :stage, total = :total, base = COALESCE(:base, base),"
            + " settle_at = :settleAt, admin_reversed = :admin, version = version + 1, updated_at = :at"
            + " WHERE order_id = :order")
        .bind("stage", stage.name()).bind("total", total).bind("base", Parameter.fromOrEmpty(base, Long.class))
        .bind("settleAt", Parameter.fromOrEmpty(settleAt == null ? null : utc(settleAt), LocalDateTime.class))
        .bind("admin", adminReversed).bind("at", utc(at)).bind("order", orderId)
        .then();
  }

  /** Orders whose earned commission is due to settle at {@code now}, earliest first. */
  Flux<String> dueToSettle(Instant now, int limit) {
    return db.sql("SELECT order_id FROM commissions WHERE stage = 'EARNED' AND settle_at <= :now"
            + " ORDER BY settle_at LIMIT :limit")
        .bind("now", utc(now)).bind("limit", limit)
        .map(r -> r.get("order_id", String.class))
        .all();
  }

  /**
   * Expected commission whose order MySQL records as picked up although no event said so (an order
   * handed out against its MySQL row after its activity left Redis): the sweep earns it.
   */
  Flux<PickedUp> pickedUpUnseen(int limit) {
    return db.sql("SELECT c.order_id, o.picked_up_at FROM commissions c JOIN orders o ON o.id = c.order_id"
            + " WHERE c.stage = 'EXPECTED' AND c.picked_up_at IS NULL AND o.picked_up_at IS NOT NULL LIMIT :limit")
        .bind("limit", limit)
        .map(r -> new PickedUp(r.get("order_id", String.class), instant(r.get("picked_up_at", LocalDateTime.class))))
        .all();
  }

  record PickedUp(String orderId, Instant at) {}

  Mono<Void> markPickedUp(String orderId, Instant at) {
    return db.sql("UPDATE commissions SET picked_up_at = COALESCE(picked_up_at, :at) WHERE order_id = :order")
        .bind("at", utc(at)).bind("order", orderId).then();
  }

  Mono<LedgerEntry> entry(String orderId, EntryKind kind, String ref) {
    return db.sql("SELECT " + ENTRY_COLUMNS + " FROM commission_entries WHERE order_id = :order AND kind = :kind"
            + " AND ref = :ref")
        .bind("order", orderId).bind("kind", kind.name()).bind("ref", ref)
        .map(CommissionRecords::entryOf).one();
  }

  /** A leader's entries, newest first, with ids below {@code before}. */
  Flux<LedgerEntry> entries(String leader, long before, int limit) {
    return db.sql("SELECT " + ENTRY_COLUMNS + " FROM commission_entries WHERE leader_id = :leader AND id < :before"
            + " ORDER BY id DESC LIMIT :limit")
        .bind("leader", leader).bind("before", before).bind("limit", limit)
        .map(CommissionRecords::entryOf).all();
  }

  static LedgerEntry entryOf(Readable r) {
    return new LedgerEntry(r.get("id", Long.class), r.get("leader_id", String.class), r.get("order_id", String.class),
        EntryKind.valueOf(r.get("kind", String.class)), r.get("ref", String.class), r.get("amount", Long.class),
        Stage.valueOf(r.get("stage", String.class)), r.get("reason", String.class), r.get("note", String.class),
        instant(r.get("created_at", LocalDateTime.class)));
  }

  private static CommissionRow rowOf(Readable r) {
    return new CommissionRow(r.get("order_id", String.class), r.get("leader_id", String.class),
        r.get("bps", Integer.class), r.get("paid_amount", Long.class),
        instant(r.get("picked_up_at", LocalDateTime.class)), Stage.valueOf(r.get("stage", String.class)),
        r.get("total", Long.class), Boolean.TRUE.equals(r.get("admin_reversed", Boolean.class)),
        instant(r.get("settle_at", LocalDateTime.class)));
  }
}
