package dev.flashgroup.engine.messaging;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes events into MySQL. Every write is an upsert guarded by the snapshot's version: applying
 * an event twice, or an older one after a newer one, leaves the row as the newest event made it.
 */
@Component
class OrderLedger {

  private final DatabaseClient db;
  private final TransactionalOperator tx;

  OrderLedger(DatabaseClient db, ReactiveTransactionManager transactions) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
  }

  Mono<Void> apply(String type, EngineEvent event) {
    Instant at = Instant.ofEpochMilli(event.at());
    Mono<Void> writes = Flux.fromIterable(event.orders()).concatMap(o -> upsertOrder(o, at)).then()
        .then(event.group() == null ? Mono.empty() : upsertGroup(event.group(), at))
        .then(event.tx() == null || event.paidOrder() == null ? Mono.empty() : recordPayment(event, at))
        .then(Flux.fromIterable(event.refunds()).concatMap(r -> requestRefund(r, at)).then())
        .then(EventTypes.REFUND_CONFIRMED.equals(type) ? confirmRefund(event, at) : Mono.empty());
    return tx.transactional(writes);
  }

  private Mono<Void> upsertOrder(EngineEvent.OrderSnapshot o, Instant at) {
    return db.sql("INSERT INTO orders (id, activity_id, group_id, buyer_id, status, amount, pay_by, version,"
            + " paid_amount, final_amount, refunded_amount, created_at, updated_at) VALUES (:id, :activity, :group,"
            + " :buyer, :status, :amount, :payBy, :version, :paid, :final, :refunded, :at, :at) ON DUPLICATE KEY UPDATE"
            + " status = IF(VALUES(version) > version, VALUES(status), status),"
            + newerOrKept("paid_amount") + newerOrKept("final_amount") + newerOrKept("refunded_amount")
            + " updated_at = IF(VALUES(version) > version, VALUES(updated_at), updated_at),"
            + " version = GREATEST(version, VALUES(version))")
        .bind("id", o.id())
        .bind("activity", o.activityId())
        .bind("group", Parameter.fromOrEmpty(o.groupOrNull(), String.class))
        .bind("buyer", o.buyerId())
        .bind("status", o.status())
        .bind("amount", o.amount())
        .bind("payBy", utc(Instant.ofEpochMilli(o.payBy())))
        .bind("version", o.version())
        .bind("paid", Parameter.fromOrEmpty(o.paidAmount(), Long.class))
        .bind("final", Parameter.fromOrEmpty(o.finalAmount(), Long.class))
        .bind("refunded", Parameter.fromOrEmpty(o.refundedAmount(), Long.class))
        .bind("at", utc(at))
        .then();
  }

  /** A newer snapshot's value, unless that snapshot left the field out (scripts that do not know it). */
  private static String newerOrKept(String column) {
    return " " + column + " = IF(VALUES(version) > version, COALESCE(VALUES(" + column + "), " + column + "), "
        + column + "),";
  }

  private Mono<Void> upsertGroup(EngineEvent.GroupSnapshot g, Instant at) {
    return db.sql("INSERT INTO purchase_groups (id, activity_id, leader_id, status, size, members, paid, deadline,"
            + " version, virtual_members, price, updated_at) VALUES (:id, :activity, :leader, :status, :size, :members,"
            + " :paid, :deadline, :version, :virtual, :price, :at) ON DUPLICATE KEY UPDATE"
            + " status = IF(VALUES(version) > version, VALUES(status), status),"
            + newerOrKept("virtual_members") + newerOrKept("price")
            + " members = IF(VALUES(version) > version, VALUES(members), members),"
            + " paid = IF(VALUES(version) > version, VALUES(paid), paid),"
            + " updated_at = IF(VALUES(version) > version, VALUES(updated_at), updated_at),"
            + " version = GREATEST(version, VALUES(version))")
        .bind("id", g.id())
        .bind("activity", g.activityId())
        .bind("leader", g.leader())
        .bind("status", g.status())
        .bind("size", g.size())
        .bind("members", g.members())
        .bind("paid", g.paid())
        .bind("deadline", utc(Instant.ofEpochMilli(g.deadline())))
        .bind("version", g.version())
        .bind("virtual", Parameter.fromOrEmpty(g.virtualMembers(), Integer.class))
        .bind("price", Parameter.fromOrEmpty(g.price(), Long.class))
        .bind("at", utc(at))
        .then();
  }

  private Mono<Void> recordPayment(EngineEvent event, Instant at) {
    long amount = event.orders().stream().filter(o -> o.id().equals(event.paidOrder()))
        .mapToLong(EngineEvent.OrderSnapshot::amount).findFirst().orElse(0L);
    return db.sql("INSERT INTO payments (transaction_id, order_id, amount, paid_at) VALUES (:tx, :order, :amount, :at)"
            + " ON DUPLICATE KEY UPDATE transaction_id = transaction_id")
        .bind("tx", event.tx())
        .bind("order", event.paidOrder())
        .bind("amount", amount)
        .bind("at", utc(at))
        .then();
  }

  private Mono<Void> requestRefund(EngineEvent.Refund r, Instant at) {
    return db.sql("INSERT INTO refunds (refund_no, order_id, amount, reason, status, requested_at)"
            + " VALUES (:no, :order, :amount, :reason, 'REQUESTED', :at)"
            + " ON DUPLICATE KEY UPDATE amount = VALUES(amount), reason = VALUES(reason),"
            + " requested_at = LEAST(requested_at, VALUES(requested_at))")
        .bind("no", r.refundNo())
        .bind("order", r.orderId())
        .bind("amount", r.amount())
        .bind("reason", r.reason())
        .bind("at", utc(at))
        .then();
  }

  /**
   * The confirmation may overtake the request; the row then starts out confirmed, with what the
   * order records as refunded when the refund is the order's own (a tier difference {@code RD} or
   * the full refund {@code RF<orderId>}), else with the order's price; the request corrects it.
   */
  private Mono<Void> confirmRefund(EngineEvent event, Instant at) {
    if (event.refundNo() == null || event.orders().isEmpty()) {
      return Mono.empty();
    }
    EngineEvent.OrderSnapshot order = event.orders().get(0);
    boolean ordersOwn = event.refundNo().equals("RD" + order.id()) || event.refundNo().equals("RF" + order.id());
    long amount = ordersOwn && order.refundedAmount() != null ? order.refundedAmount() : order.amount();
    return db.sql("INSERT INTO refunds (refund_no, order_id, amount, reason, status, requested_at, confirmed_at)"
            + " VALUES (:no, :order, :amount, 'UNKNOWN', 'CONFIRMED', :at, :at)"
            + " ON DUPLICATE KEY UPDATE status = 'CONFIRMED', confirmed_at = COALESCE(confirmed_at, VALUES(confirmed_at))")
        .bind("no", event.refundNo())
        .bind("order", order.id())
        .bind("amount", amount)
        .bind("at", utc(at))
        .then();
  }
}
