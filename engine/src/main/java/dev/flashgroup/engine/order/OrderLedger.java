package dev.flashgroup.engine.order;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.order.event.GroupFailed;
import dev.flashgroup.engine.order.event.GroupSnapshot;
import dev.flashgroup.engine.order.event.GroupSucceeded;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.order.event.OrderPickedUp;
import dev.flashgroup.engine.order.event.OrderSnapshot;
import dev.flashgroup.engine.order.event.PaymentConfirmed;
import dev.flashgroup.engine.order.event.PickupOverdue;
import dev.flashgroup.engine.order.event.PickupReminderDue;
import dev.flashgroup.engine.order.event.PickupRolledOver;
import dev.flashgroup.engine.order.event.RefundConfirmed;
import dev.flashgroup.engine.order.event.RefundEntry;
import dev.flashgroup.engine.order.event.RefundRequested;
import dev.flashgroup.engine.order.event.ReservationExpired;
import dev.flashgroup.engine.order.event.ReservationMade;
import dev.flashgroup.engine.order.event.SnapshotEvent;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes events into MySQL: every write for orders, groups, payments and refunds. Every write is
 * an upsert guarded by the snapshot's version: applying an event twice, or an older one after a
 * newer one, leaves the row as the newest event made it. A snapshot of a collectable order
 * (SUCCEEDED at a pickup point) issues its pickup code in the same transaction; issuing is
 * idempotent, so duplicates and reordering issue it once. The {@link LedgerFollower}s (the
 * commission ledger) write after the order's rows, in the same transaction.
 */
@Component
class OrderLedger {

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final CollectableOrders collectable;
  private final Writes writes = new Writes();
  private final List<LedgerFollower> followers;

  OrderLedger(DatabaseClient db, ReactiveTransactionManager transactions, CollectableOrders collectable,
      ObjectProvider<LedgerFollower> followers) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
    this.collectable = collectable;
    this.followers = followers.orderedStream().toList();
  }

  Mono<Void> apply(OrderEvent event) {
    return tx.transactional(event.accept(writes)
        .then(Flux.fromIterable(followers).concatMap(follower -> follower.follow(event)).then()));
  }

  /** The rows each event writes (all in the event's one transaction). */
  private final class Writes implements OrderEvent.Handler<Mono<Void>> {

    @Override
    public Mono<Void> on(ReservationMade event) {
      return snapshots(event);
    }

    @Override
    public Mono<Void> on(PaymentConfirmed event) {
      return snapshots(event).then(recordPayment(event.tx(), event.paidOrder(), event.orders(), instant(event)));
    }

    @Override
    public Mono<Void> on(GroupSucceeded event) {
      // A group that succeeds at its deadline lists only its paid members: the unpaid ones expired and left.
      return snapshots(event)
          .then(leftGroup(event.orders().stream().filter(o -> o.status() == OrderStatus.EXPIRED).toList()))
          .then(event.completedByPayment()
          ? recordPayment(event.tx(), event.paidOrder(), event.orders(), instant(event)) : Mono.empty());
    }

    @Override
    public Mono<Void> on(GroupFailed event) {
      return snapshots(event);
    }

    @Override
    public Mono<Void> on(ReservationExpired event) {
      // An expiry by the payment timer always frees the buyer's place in the group.
      return snapshots(event).then(leftGroup(event.orders().stream().filter(o -> o.groupOrNull() != null).toList()));
    }

    @Override
    public Mono<Void> on(RefundRequested event) {
      Instant at = instant(event);
      return Flux.fromIterable(event.refunds()).concatMap(r -> requestRefund(r, at)).then();
    }

    @Override
    public Mono<Void> on(RefundConfirmed event) {
      return snapshots(event).then(confirmRefund(event));
    }

    @Override
    public Mono<Void> on(OrderPickedUp event) {
      // Who handed it out, on the order itself: the first delivery records it, repeats change nothing.
      return snapshots(event).then(Flux.fromIterable(event.orders())
          .concatMap(o -> db.sql("UPDATE orders SET picked_up_by = COALESCE(picked_up_by, :staff) WHERE id = :id")
              .bind("staff", event.staff()).bind("id", o.id()).then())
          .then());
    }

    @Override
    public Mono<Void> on(PickupRolledOver event) {
      return snapshots(event);
    }

    @Override
    public Mono<Void> on(PickupOverdue event) {
      return snapshots(event);
    }

    /** A reminder changes no order; the reminder worker records what it sent. */
    @Override
    public Mono<Void> on(PickupReminderDue event) {
      return Mono.empty();
    }
  }

  private static Instant instant(OrderEvent event) {
    return Instant.ofEpochMilli(event.at());
  }

  private Mono<Void> snapshots(SnapshotEvent event) {
    Instant at = instant(event);
    return Flux.fromIterable(event.orders()).concatMap(o -> upsertOrder(o, at).then(issueCode(o)).then(bind(o, at))).then()
        .then(event.group() == null ? Mono.empty() : upsertGroup(event.group(), at));
  }

  /** The order's pickup code once it is collectable at its point (a no-op when it has one). */
  private Mono<Void> issueCode(OrderSnapshot o) {
    if (o.status() != OrderStatus.SUCCEEDED || o.pointId() == null) {
      return Mono.empty();
    }
    return collectable.becameCollectable(o.id(), o.activityId().value(), o.pointId());
  }

  /**
   * A referred order (re)binds its buyer to the referrer (reserve.lua decided it: {@code bindsTo}).
   * The binding keeps the latest referral's time, so duplicates and reordering end the same; a
   * change of leader is recorded once per order (the order id is the change's key).
   */
  private Mono<Void> bind(OrderSnapshot o, Instant at) {
    if (o.bindsTo() == null) {
      return Mono.empty();
    }
    return db.sql("INSERT IGNORE INTO leader_binding_changes (order_id, buyer, leader_before, leader_after, at)"
            + " SELECT :order, :buyer, (SELECT leader FROM leader_bindings WHERE buyer = :buyer), :leader, :at FROM DUAL"
            + " WHERE NOT EXISTS (SELECT 1 FROM leader_bindings WHERE buyer = :buyer AND leader = :leader)")
        .bind("order", o.id()).bind("buyer", o.buyerId()).bind("leader", o.bindsTo()).bind("at", utc(at))
        .then()
        .then(db.sql("INSERT INTO leader_bindings (buyer, leader, last_referred_at, updated_at)"
                + " VALUES (:buyer, :leader, :at, :at) ON DUPLICATE KEY UPDATE"
                + " leader = IF(VALUES(last_referred_at) >= last_referred_at, VALUES(leader), leader),"
                + " updated_at = IF(VALUES(last_referred_at) >= last_referred_at, VALUES(updated_at), updated_at),"
                + " last_referred_at = GREATEST(last_referred_at, VALUES(last_referred_at))")
            .bind("buyer", o.buyerId()).bind("leader", o.bindsTo()).bind("at", utc(at))
            .then());
  }

  private Mono<Void> upsertOrder(OrderSnapshot o, Instant at) {
    return db.sql("INSERT INTO orders (id, activity_id, group_id, buyer_id, status, amount, pay_by, version,"
            + " paid_amount, final_amount, refunded_amount, pickup_point_id, pickup_from, pickup_to, rollovers,"
            + " picked_up_at, leader_id, created_at, updated_at) VALUES (:id, :activity, :group, :buyer, :status,"
            + " :amount, :payBy, :version, :paid, :final, :refunded, :point, :pickupFrom, :pickupTo, :rollovers,"
            + " :pickedUp, :leader, :at, :at) ON DUPLICATE KEY UPDATE"
            + " status = IF(VALUES(version) > version, VALUES(status), status),"
            // Attribution is decided once, at reservation; events whose script does not read it leave it out.
            + " leader_id = COALESCE(leader_id, VALUES(leader_id)),"
            // The point never changes, nor the moment of the (one) pickup: the first snapshot carrying it records it.
            + " pickup_point_id = COALESCE(pickup_point_id, VALUES(pickup_point_id)),"
            + " picked_up_at = COALESCE(picked_up_at, VALUES(picked_up_at)),"
            // Events may arrive out of order: the reservation's own (the earliest) says when it was made.
            + " created_at = LEAST(created_at, VALUES(created_at)),"
            + newerOrKept("paid_amount") + newerOrKept("final_amount") + newerOrKept("refunded_amount")
            + newerOrKept("pickup_from") + newerOrKept("pickup_to") + newerOrKept("rollovers")
            + " updated_at = IF(VALUES(version) > version, VALUES(updated_at), updated_at),"
            + " version = GREATEST(version, VALUES(version))")
        .bind("id", o.id())
        .bind("activity", o.activityId().value())
        .bind("group", Parameter.fromOrEmpty(o.groupOrNull(), String.class))
        .bind("buyer", o.buyerId())
        .bind("status", o.status().name())
        .bind("amount", o.amount())
        .bind("payBy", utc(Instant.ofEpochMilli(o.payBy())))
        .bind("version", o.version())
        .bind("paid", Parameter.fromOrEmpty(o.paidAmount(), Long.class))
        .bind("final", Parameter.fromOrEmpty(o.finalAmount(), Long.class))
        .bind("refunded", Parameter.fromOrEmpty(o.refundedAmount(), Long.class))
        .bind("point", Parameter.fromOrEmpty(o.pointId(), Long.class))
        .bind("pickedUp", Parameter.fromOrEmpty(o.pickedUpAt() == null ? null
            : utc(Instant.ofEpochMilli(o.pickedUpAt())), LocalDateTime.class))
        .bind("pickupFrom", Parameter.fromOrEmpty(o.pickupFrom() == null ? null
            : utc(Instant.ofEpochMilli(o.pickupFrom())), LocalDateTime.class))
        .bind("pickupTo", Parameter.fromOrEmpty(o.pickupTo() == null ? null
            : utc(Instant.ofEpochMilli(o.pickupTo())), LocalDateTime.class))
        .bind("rollovers", Parameter.fromOrEmpty(o.rollovers(), Integer.class))
        .bind("leader", Parameter.fromOrEmpty(o.leaderId(), String.class))
        .bind("at", utc(at))
        .then();
  }

  private Mono<Void> leftGroup(List<OrderSnapshot> orders) {
    return Flux.fromIterable(orders)
        .concatMap(o -> db.sql("UPDATE orders SET left_group = TRUE WHERE id = :id").bind("id", o.id()).then())
        .then();
  }

  /** A newer snapshot's value, unless that snapshot left the field out (scripts that do not know it). */
  private static String newerOrKept(String column) {
    return " " + column + " = IF(VALUES(version) > version, COALESCE(VALUES(" + column + "), " + column + "), "
        + column + "),";
  }

  private Mono<Void> upsertGroup(GroupSnapshot g, Instant at) {
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
        .bind("activity", g.activityId().value())
        .bind("leader", g.leader())
        .bind("status", g.status().name())
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

  private Mono<Void> recordPayment(String transaction, String paidOrder, List<OrderSnapshot> orders, Instant at) {
    long amount = orders.stream().filter(o -> o.id().equals(paidOrder))
        .mapToLong(OrderSnapshot::amount).findFirst().orElse(0L);
    return db.sql("INSERT INTO payments (transaction_id, order_id, amount, paid_at) VALUES (:tx, :order, :amount, :at)"
            + " ON DUPLICATE KEY UPDATE transaction_id = transaction_id")
        .bind("tx", transaction)
        .bind("order", paidOrder)
        .bind("amount", amount)
        .bind("at", utc(at))
        .then();
  }

  private Mono<Void> requestRefund(RefundEntry r, Instant at) {
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
  private Mono<Void> confirmRefund(RefundConfirmed event) {
    if (event.orders().isEmpty()) {
      return Mono.empty();
    }
    OrderSnapshot order = event.orders().get(0);
    boolean ordersOwn = new RefundNumber(event.refundNo()).isOrdersOwn(order.id());
    long amount = ordersOwn && order.refundedAmount() != null ? order.refundedAmount() : order.amount();
    return db.sql("INSERT INTO refunds (refund_no, order_id, amount, reason, status, requested_at, confirmed_at)"
            + " VALUES (:no, :order, :amount, 'UNKNOWN', 'CONFIRMED', :at, :at)"
            + " ON DUPLICATE KEY UPDATE status = 'CONFIRMED', confirmed_at = COALESCE(confirmed_at, VALUES(confirmed_at))")
        .bind("no", event.refundNo())
        .bind("order", order.id())
        .bind("amount", amount)
        .bind("at", utc(instant(event)))
        .then();
  }
}
