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
import dev.flashgroup.engine.order.event.StockLow;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.r2dbc.core.DatabaseClient;
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
 * idempotent, so duplicates and reordering issue it once.
 *
 * <p>Many events go in one transaction ({@link #apply(List)}) with the result of applying them one
 * after the other in the order given: their rows are gathered per table ({@link Batch}) and each
 * table's are written in one multi-row upsert. MySQL applies a multi-row upsert row by row, so two
 * snapshots of one order in a batch meet the same version guard as in two statements; the rows are
 * sorted by key (stably: one key's rows keep their order), so concurrent batches lock rows in the
 * same order and do not deadlock each other. Writes whose outcome depends on the order between
 * keys (payments: the first transaction of an order wins; bindings; refunds) keep the events'
 * order.
 *
 * <p>The {@link LedgerFollower}s (the commission ledger) write after the batch's own rows, in the
 * same transaction, each event in the batch's order: a follower keeps its own records and is
 * idempotent and indifferent to the order of events, as the ledger is. The {@link BatchFollower}s
 * (the daily sales figures) follow last, once per batch.
 */
@Component
class OrderLedger {

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final CollectableOrders collectable;
  private final List<LedgerFollower> followers;
  private final List<BatchFollower> batchFollowers;
  private final ActivityMerchants merchants;
  private final MultiRowUpsert<Stamped<OrderSnapshot>> orderRows;

  OrderLedger(DatabaseClient db, ReactiveTransactionManager transactions, CollectableOrders collectable,
      ObjectProvider<LedgerFollower> followers, ObjectProvider<BatchFollower> batchFollowers,
      ActivityMerchants merchants) {
    this.db = db;
    this.merchants = merchants;
    this.orderRows = orderRows(merchants);
    this.tx = TransactionalOperator.create(transactions);
    this.collectable = collectable;
    this.followers = followers.orderedStream().toList();
    this.batchFollowers = batchFollowers.orderedStream().toList();
  }

  Mono<Void> apply(OrderEvent event) {
    return apply(List.of(event));
  }

  /** Every event in one transaction, as if applied one by one in this order. */
  Mono<Void> apply(List<OrderEvent> events) {
    // The activities' merchants are read before the transaction: see ActivityMerchants.
    Set<Long> activities = new TreeSet<>();
    for (OrderEvent event : events) {
      if (event instanceof SnapshotEvent snapshots) {
        snapshots.orders().forEach(o -> activities.add(o.activityId().value()));
      } else if (event instanceof StockLow low) {
        activities.add(low.activityId().value());
      }
    }
    return merchants.load(activities).then(tx.transactional(Mono.defer(() -> {
      Batch batch = new Batch();
      events.forEach(event -> event.accept(batch));
      return batch.write().then(Flux.fromIterable(events)
          .concatMap(event -> Flux.fromIterable(followers).concatMap(follower -> follower.follow(event)).then())
          .then())
          .then(Flux.fromIterable(batchFollowers).concatMap(follower -> follower.follow(events)).then());
    })));
  }

  private record Stamped<T>(T row, Instant at) {}

  private record Payment(String transaction, String order, long amount, Instant at) {}

  private record Handout(String order, String staff) {}

  /**
   * The rows a batch of events writes, gathered per table in the events' order, then written table
   * by table: orders first (the updates below need their rows), then what hangs off them.
   */
  private final class Batch implements OrderEvent.Handler<Void> {

    final List<Stamped<OrderSnapshot>> orders = new ArrayList<>();
    final List<Stamped<GroupSnapshot>> groups = new ArrayList<>();
    final Map<String, OrderSnapshot> collectable = new LinkedHashMap<>();
    final List<Stamped<OrderSnapshot>> bindings = new ArrayList<>();
    final Set<String> leftGroup = new TreeSet<>();
    final List<Handout> handouts = new ArrayList<>();
    final List<Payment> payments = new ArrayList<>();
    /** Requests and confirmations interleaved as they came: each a statement of its own. */
    final List<Supplier<Mono<Void>>> refunds = new ArrayList<>();

    Mono<Void> write() {
      return upsertOrders(orders)
          .then(leftGroup(leftGroup))
          .then(Flux.fromIterable(handouts).concatMap(OrderLedger.this::recordHandout).then())
          .then(Flux.fromIterable(this.collectable.values()).concatMap(OrderLedger.this::issueCode).then())
          .then(Flux.fromIterable(bindings).concatMap(b -> bind(b.row(), b.at())).then())
          .then(upsertGroups(groups))
          .then(recordPayments(payments))
          .then(Flux.fromIterable(refunds).concatMap(Supplier::get).then());
    }

    @Override
    public Void on(ReservationMade event) {
      return snapshots(event);
    }

    @Override
    public Void on(PaymentConfirmed event) {
      snapshots(event);
      return payment(event.tx(), event.paidOrder(), event.orders(), instant(event));
    }

    @Override
    public Void on(GroupSucceeded event) {
      snapshots(event);
      // A group that succeeds at its deadline lists only its paid members: the unpaid ones expired and left.
      event.orders().stream().filter(o -> o.status() == OrderStatus.EXPIRED).forEach(o -> leftGroup.add(o.id()));
      return event.completedByPayment() ? payment(event.tx(), event.paidOrder(), event.orders(), instant(event)) : null;
    }

    @Override
    public Void on(GroupFailed event) {
      return snapshots(event);
    }

    @Override
    public Void on(ReservationExpired event) {
      snapshots(event);
      // An expiry by the payment timer always frees the buyer's place in the group.
      event.orders().stream().filter(o -> o.groupOrNull() != null).forEach(o -> leftGroup.add(o.id()));
      return null;
    }

    @Override
    public Void on(RefundRequested event) {
      Instant at = instant(event);
      event.refunds().forEach(r -> refunds.add(() -> requestRefund(r, at)));
      return null;
    }

    @Override
    public Void on(RefundConfirmed event) {
      snapshots(event);
      refunds.add(() -> confirmRefund(event));
      return null;
    }

    @Override
    public Void on(OrderPickedUp event) {
      snapshots(event);
      // Who handed it out, on the order itself: the first delivery records it, repeats change nothing.
      event.orders().forEach(o -> handouts.add(new Handout(o.id(), event.staff())));
      return null;
    }

    @Override
    public Void on(PickupRolledOver event) {
      return snapshots(event);
    }

    @Override
    public Void on(PickupOverdue event) {
      return snapshots(event);
    }

    /** A reminder changes no order; the reminder worker records what it sent. */
    @Override
    public Void on(PickupReminderDue event) {
      return null;
    }

    /** A low-stock alert changes no order; the alerts feature records it (a {@link LedgerFollower}). */
    @Override
    public Void on(StockLow event) {
      return null;
    }

    private Void snapshots(SnapshotEvent event) {
      Instant at = instant(event);
      for (OrderSnapshot o : event.orders()) {
        orders.add(new Stamped<>(o, at));
        // The order's pickup code once it is collectable at its point (a no-op when it has one).
        if (o.status() == OrderStatus.SUCCEEDED && o.pointId() != null) {
          this.collectable.putIfAbsent(o.id(), o);
        }
        if (o.bindsTo() != null) {
          bindings.add(new Stamped<>(o, at));
        }
      }
      if (event.group() != null) {
        groups.add(new Stamped<>(event.group(), at));
      }
      return null;
    }

    private Void payment(String transaction, String paidOrder, List<OrderSnapshot> snapshots, Instant at) {
      long amount = snapshots.stream().filter(o -> o.id().equals(paidOrder))
          .mapToLong(OrderSnapshot::amount).findFirst().orElse(0L);
      payments.add(new Payment(transaction, paidOrder, amount, at));
      return null;
    }
  }

  private static Instant instant(OrderEvent event) {
    return Instant.ofEpochMilli(event.at());
  }

  private Mono<Void> issueCode(OrderSnapshot o) {
    return collectable.becameCollectable(o.id(), o.activityId().value(), o.pointId());
  }

  private Mono<Void> recordHandout(Handout handout) {
    return db.sql("UPDATE orders SET picked_up_by = COALESCE(picked_up_by, :staff) WHERE id = :id")
        .bind("staff", handout.staff()).bind("id", handout.order()).then();
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

  /**
   * The merchant is the activity's ({@link ActivityMerchants}, bound as a value: no read of the
   * activity row inside the batch), so the merchant's listing reads its own index.
   */
  private static MultiRowUpsert<Stamped<OrderSnapshot>> orderRows(ActivityMerchants merchants) {
    return new MultiRowUpsert<>(
      "INSERT INTO orders (id, activity_id, group_id, buyer_id, status, amount, pay_by, version,"
          + " paid_amount, final_amount, refunded_amount, pickup_point_id, pickup_from, pickup_to, rollovers,"
          + " picked_up_at, leader_id, created_at, updated_at, merchant_id) VALUES ",
      20,
      "(" + "?, ".repeat(19) + "?)",
      " ON DUPLICATE KEY UPDATE"
          + " merchant_id = COALESCE(merchant_id, VALUES(merchant_id)),"
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
          + " version = GREATEST(version, VALUES(version))",
      Comparator.comparing(stamped -> stamped.row().id()),
      (stamped, values) -> {
        OrderSnapshot o = stamped.row();
        values.add(o.id())
            .add(o.activityId().value())
            .addOrNull(o.groupOrNull(), String.class)
            .add(o.buyerId())
            .add(o.status().name())
            .add(o.amount())
            .add(utc(Instant.ofEpochMilli(o.payBy())))
            .add(o.version())
            .addOrNull(o.paidAmount(), Long.class)
            .addOrNull(o.finalAmount(), Long.class)
            .addOrNull(o.refundedAmount(), Long.class)
            .addOrNull(o.pointId(), Long.class)
            .addOrNull(moment(o.pickupFrom()), LocalDateTime.class)
            .addOrNull(moment(o.pickupTo()), LocalDateTime.class)
            .addOrNull(o.rollovers(), Integer.class)
            .addOrNull(moment(o.pickedUpAt()), LocalDateTime.class)
            .addOrNull(o.leaderId(), String.class)
            .add(utc(stamped.at()))
            .add(utc(stamped.at()))
            .addOrNull(merchants.of(o.activityId().value()), String.class);
      });
  }

  private static final MultiRowUpsert<Stamped<GroupSnapshot>> GROUPS = new MultiRowUpsert<>(
      "INSERT INTO purchase_groups (id, activity_id, leader_id, status, size, members, paid, deadline,"
          + " version, virtual_members, price, updated_at) VALUES ",
      12,
      " ON DUPLICATE KEY UPDATE"
          + " status = IF(VALUES(version) > version, VALUES(status), status),"
          + newerOrKept("virtual_members") + newerOrKept("price")
          + " members = IF(VALUES(version) > version, VALUES(members), members),"
          + " paid = IF(VALUES(version) > version, VALUES(paid), paid),"
          + " updated_at = IF(VALUES(version) > version, VALUES(updated_at), updated_at),"
          + " version = GREATEST(version, VALUES(version))",
      Comparator.comparing(stamped -> stamped.row().id()),
      (stamped, values) -> {
        GroupSnapshot g = stamped.row();
        values.add(g.id())
            .add(g.activityId().value())
            .add(g.leader())
            .add(g.status().name())
            .add(g.size())
            .add(g.members())
            .add(g.paid())
            .add(utc(Instant.ofEpochMilli(g.deadline())))
            .add(g.version())
            .addOrNull(g.virtualMembers(), Integer.class)
            .addOrNull(g.price(), Long.class)
            .add(utc(stamped.at()));
      });

  /** Unsorted: of two transactions for one order the first recorded stays, so their order counts. */
  private static final MultiRowUpsert<Payment> PAYMENTS = new MultiRowUpsert<>(
      "INSERT INTO payments (transaction_id, order_id, amount, paid_at) VALUES ",
      4,
      " ON DUPLICATE KEY UPDATE transaction_id = transaction_id",
      null,
      (p, values) -> values.add(p.transaction()).add(p.order()).add(p.amount()).add(utc(p.at())));

  private Mono<Void> upsertOrders(List<Stamped<OrderSnapshot>> rows) {
    return orderRows.write(db, rows);
  }

  private Mono<Void> upsertGroups(List<Stamped<GroupSnapshot>> rows) {
    return GROUPS.write(db, rows);
  }

  private Mono<Void> recordPayments(List<Payment> rows) {
    return PAYMENTS.write(db, rows);
  }

  private static LocalDateTime moment(Long epochMillis) {
    return epochMillis == null ? null : utc(Instant.ofEpochMilli(epochMillis));
  }

  private Mono<Void> leftGroup(Set<String> orderIds) {
    if (orderIds.isEmpty()) {
      return Mono.empty();
    }
    return db.sql("UPDATE orders SET left_group = TRUE WHERE id IN (:ids)").bind("ids", List.copyOf(orderIds)).then();
  }

  /** A newer snapshot's value, unless that snapshot left the field out (scripts that do not know it). */
  private static String newerOrKept(String column) {
    return " " + column + " = IF(VALUES(version) > version, COALESCE(VALUES(" + column + "), " + column + "), "
        + column + "),";
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
