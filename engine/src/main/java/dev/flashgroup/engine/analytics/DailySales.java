package dev.flashgroup.engine.analytics;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.kernel.SqlTime;
import dev.flashgroup.engine.order.BatchFollower;
import dev.flashgroup.engine.order.MultiRowUpsert;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.order.event.SnapshotEvent;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Keeps {@code sales_daily} up to date, in the order projector's batch transaction: for the orders
 * and groups a batch touched it reads what each counts for now (its row as the batch left it) and
 * what it counted for before ({@code sales_order_facts}, {@code sales_group_facts}), adds the
 * difference to the daily rows and records the new facts. An event applied twice, or an older one
 * after a newer one, leaves the order's row as it was, so the difference is nothing: duplicates and
 * reordering count nothing twice. An order whose day, point or leader became known later moves from
 * one daily row to the other. At most three statements per table a batch, whatever its size (none
 * for a table the batch has nothing for; commissions only for orders with a leader).
 *
 * <p>Every read is a locking read ({@code FOR UPDATE}), taken in the projector's lock order (orders,
 * groups, then the facts and the daily rows): it sees the latest committed rows, not the batch's
 * snapshot. A plain read earlier in the batch (issuing a pickup code) fixes that snapshot; after
 * waiting on a concurrent batch's lock on a shared group, a plain read would miss what that batch
 * recorded and count the group's success twice. A write outside the projector
 * ({@link #refresh(String)}) locks the order's row first, as the projector does.
 */
@Component
public class DailySales implements BatchFollower {

  private static final Logger log = LoggerFactory.getLogger(DailySales.class);

  private static final Set<String> SUCCEEDED = Set.of("SUCCEEDED", "PICKED_UP", "OVERDUE");

  private record Counted(SalesKey key, SalesFigures figures) {}

  private record OrderFact(String orderId, Counted counted) {}

  private record GroupFact(String groupId, long activityId, Instant firstAt, boolean succeeded) {}

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final ZoneId zone;

  DailySales(DatabaseClient db, ReactiveTransactionManager transactions, AnalyticsSettings settings) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
    this.zone = settings.zone();
  }

  @Override
  public Mono<Void> follow(List<OrderEvent> events) {
    Set<String> orders = new TreeSet<>();
    Map<String, Instant> groups = new TreeMap<>();
    for (OrderEvent event : events) {
      if (event instanceof SnapshotEvent s) {
        s.orders().forEach(o -> orders.add(o.id()));
        if (s.group() != null) {
          groups.merge(s.group().id(), Instant.ofEpochMilli(s.at()), (a, b) -> a.isBefore(b) ? a : b);
        }
      }
    }
    return record(orders, groups);
  }

  /**
   * After a write to an order outside the projector (its commission, its hand-out): the order's
   * figures again, in a transaction of its own (the caller's when there is one), the order's row
   * locked first. Idempotent: a caller whose refresh failed heals by calling it again.
   */
  public Mono<Void> refresh(String orderId) {
    return tx.transactional(record(Set.of(orderId), Map.of()));
  }

  /**
   * {@link #refresh(String)} after the caller's own write committed: a failure is logged, not
   * passed on (the write stands; the caller's next attempt, a retry or a repeated notification,
   * refreshes again).
   */
  public Mono<Void> refreshAfter(String orderId) {
    return refresh(orderId).onErrorResume(e -> {
      log.warn("daily sales of order {} not refreshed (the next refresh catches up): {}", orderId, e.toString());
      return Mono.empty();
    });
  }

  private Mono<Void> record(Set<String> orders, Map<String, Instant> groups) {
    if (orders.isEmpty() && groups.isEmpty()) {
      return Mono.empty();
    }
    return Mono.defer(() -> {
      Map<SalesKey, SalesFigures> delta = new TreeMap<>(SalesKey.ORDER);
      // Locking reads, in the projector's lock order (orders, groups, then the facts): they see the
      // latest committed rows, not the batch's snapshot, which an earlier plain read (issuing a
      // pickup code) may have fixed before the batch waited on another batch's row locks.
      Mono<Map<String, Counted>> ordersNow = orders.isEmpty() ? Mono.just(Map.of()) : ordersNow(orders);
      Mono<Map<String, GroupFact>> groupsNow = groups.isEmpty() ? Mono.just(Map.of()) : groupsNow(groups);
      Mono<Map<String, Counted>> ordersCounted = orders.isEmpty() ? Mono.just(Map.of()) : ordersCounted(orders);
      Mono<Map<String, GroupFact>> groupsCounted = groups.isEmpty() ? Mono.just(Map.of())
          : groupsCounted(groups.keySet());
      // One after the other: one connection, and both add to the same differences.
      return ordersNow.zipWhen(o -> groupsNow).zipWhen(n -> ordersCounted).zipWhen(n -> groupsCounted)
          .flatMap(t -> {
            List<OrderFact> orderFacts = changed(t.getT1().getT1().getT1(), t.getT1().getT2(), delta);
            List<GroupFact> groupFacts = changedGroups(t.getT1().getT1().getT2(), t.getT2(), delta);
            return ORDER_FACTS.write(db, orderFacts)
                .then(GROUP_FACTS.write(db, groupFacts))
                .then(Mono.defer(() -> DAILY.write(db,
                    delta.entrySet().stream().filter(e -> !e.getValue().isNone()).toList())));
          });
    });
  }

  private List<OrderFact> changed(Map<String, Counted> now, Map<String, Counted> before,
      Map<SalesKey, SalesFigures> delta) {
    List<OrderFact> changed = new ArrayList<>();
    now.forEach((id, counted) -> {
      Counted old = before.get(id);
      if (counted.equals(old)) {
        return;
      }
      if (old != null) {
        add(delta, old.key(), old.figures().negated());
      }
      add(delta, counted.key(), counted.figures());
      changed.add(new OrderFact(id, counted));
    });
    return changed;
  }

  private List<GroupFact> changedGroups(Map<String, GroupFact> now, Map<String, GroupFact> before,
      Map<SalesKey, SalesFigures> delta) {
    List<GroupFact> changed = new ArrayList<>();
    now.forEach((id, fact) -> {
      GroupFact old = before.get(id);
      GroupFact merged = old == null || fact.firstAt().isBefore(old.firstAt()) ? fact
          : new GroupFact(id, fact.activityId(), old.firstAt(), fact.succeeded());
      if (merged.equals(old)) {
        return;
      }
      if (old != null) {
        add(delta, groupKey(old), groupFigures(old).negated());
      }
      add(delta, groupKey(merged), groupFigures(merged));
      changed.add(merged);
    });
    return changed;
  }

  private static void add(Map<SalesKey, SalesFigures> delta, SalesKey key, SalesFigures figures) {
    delta.merge(key, figures, SalesFigures::plus);
  }

  private SalesKey groupKey(GroupFact g) {
    return new SalesKey(LocalDate.ofInstant(g.firstAt(), zone), g.activityId(), 0, "");
  }

  private static SalesFigures groupFigures(GroupFact g) {
    return new SalesFigures(0, 0, 0, 0, 0, 0, 0, 0, g.succeeded() ? 1 : 0);
  }

  /**
   * What each order counts for now: its row as the batch left it, and its commission (read only
   * for orders with a leader: the others have none).
   */
  private Mono<Map<String, Counted>> ordersNow(Set<String> ids) {
    return db.sql("SELECT id, activity_id, created_at, status, pickup_point_id, leader_id,"
            + " paid_amount, final_amount, picked_up_at FROM orders WHERE id IN (:ids) FOR UPDATE")
        .bind("ids", List.copyOf(ids))
        .map(r -> new Row(r.get("id", String.class), r.get("activity_id", Long.class),
            r.get("created_at", LocalDateTime.class), r.get("status", String.class),
            r.get("pickup_point_id", Long.class), r.get("leader_id", String.class), r.get("paid_amount", Long.class),
            r.get("final_amount", Long.class), r.get("picked_up_at", LocalDateTime.class)))
        .all().collectList()
        .flatMap(rows -> {
          List<String> led = rows.stream().filter(o -> o.leaderId() != null).map(Row::id).toList();
          return commissions(led).map(commissions -> {
            Map<String, Counted> now = new HashMap<>();
            for (Row o : rows) {
              now.put(o.id(), o.counted(zone, commissions.getOrDefault(o.id(), 0L)));
            }
            return now;
          });
        });
  }

  private Mono<Map<String, Long>> commissions(List<String> orderIds) {
    if (orderIds.isEmpty()) {
      return Mono.just(Map.of());
    }
    return db.sql("SELECT order_id, total FROM commissions WHERE order_id IN (:ids)")
        .bind("ids", orderIds)
        .map(r -> Map.entry(r.get("order_id", String.class), r.get("total", Long.class)))
        .all().collectMap(Map.Entry::getKey, Map.Entry::getValue);
  }

  /** What each order counted for so far. */
  private Mono<Map<String, Counted>> ordersCounted(Set<String> ids) {
    return db.sql("SELECT order_id, day, activity_id, point_id, leader_id, paid, succeeded, picked_up, refunded,"
            + " units, gmv, commission FROM sales_order_facts WHERE order_id IN (:ids) FOR UPDATE")
        .bind("ids", List.copyOf(ids))
        .map(r -> Map.entry(r.get("order_id", String.class), new Counted(
            new SalesKey(r.get("day", LocalDate.class), r.get("activity_id", Long.class), r.get("point_id", Long.class),
                r.get("leader_id", String.class)),
            new SalesFigures(1, number(r, "paid"), number(r, "succeeded"), number(r, "picked_up"),
                number(r, "refunded"), number(r, "units"), number(r, "gmv"), number(r, "commission"), 0))))
        .all().collectMap(Map.Entry::getKey, Map.Entry::getValue);
  }

  private Mono<Map<String, GroupFact>> groupsNow(Map<String, Instant> seen) {
    return db.sql("SELECT id, activity_id, status FROM purchase_groups WHERE id IN (:ids) FOR UPDATE")
        .bind("ids", List.copyOf(seen.keySet()))
        .map(r -> new GroupFact(r.get("id", String.class), r.get("activity_id", Long.class),
            seen.get(r.get("id", String.class)), "SUCCEEDED".equals(r.get("status", String.class))))
        .all().collectMap(GroupFact::groupId);
  }

  private Mono<Map<String, GroupFact>> groupsCounted(Set<String> ids) {
    return db.sql("SELECT group_id, activity_id, first_at, succeeded FROM sales_group_facts WHERE group_id IN (:ids)"
            + " FOR UPDATE")
        .bind("ids", List.copyOf(ids))
        .map(r -> new GroupFact(r.get("group_id", String.class), r.get("activity_id", Long.class),
            SqlTime.instant(r.get("first_at", LocalDateTime.class)), number(r, "succeeded") == 1))
        .all().collectMap(GroupFact::groupId);
  }

  private static long number(Readable r, String column) {
    return ((Number) r.get(column)).longValue();
  }

  /** An order's row, read as it is. */
  private record Row(String id, long activityId, LocalDateTime createdAt, String status, Long pointId,
      String leaderId, Long paidAmount, Long finalAmount, LocalDateTime pickedUpAt) {

    Counted counted(ZoneId zone, long commission) {
      SalesKey key = new SalesKey(LocalDate.ofInstant(SqlTime.instant(createdAt), zone), activityId,
          pointId == null ? 0 : pointId, leaderId == null ? "" : leaderId);
      long gmv = paidAmount == null || !OrderStatus.isSold(status) ? 0 : finalAmount != null ? finalAmount : paidAmount;
      boolean sold = gmv > 0;
      return new Counted(key, new SalesFigures(1, paidAmount != null ? 1 : 0, SUCCEEDED.contains(status) ? 1 : 0,
          pickedUpAt != null ? 1 : 0, "REFUNDED".equals(status) ? 1 : 0, sold ? 1 : 0, gmv, commission, 0));
    }
  }

  private static final MultiRowUpsert<OrderFact> ORDER_FACTS = new MultiRowUpsert<>(
      "INSERT INTO sales_order_facts (order_id, day, activity_id, point_id, leader_id, paid, succeeded, picked_up,"
          + " refunded, units, gmv, commission) VALUES ",
      12,
      " ON DUPLICATE KEY UPDATE day = VALUES(day), activity_id = VALUES(activity_id), point_id = VALUES(point_id),"
          + " leader_id = VALUES(leader_id), paid = VALUES(paid), succeeded = VALUES(succeeded),"
          + " picked_up = VALUES(picked_up), refunded = VALUES(refunded), units = VALUES(units), gmv = VALUES(gmv),"
          + " commission = VALUES(commission)",
      Comparator.comparing(OrderFact::orderId),
      (f, values) -> {
        SalesKey k = f.counted().key();
        SalesFigures n = f.counted().figures();
        values.add(f.orderId()).add(k.day()).add(k.activityId()).add(k.pointId()).add(k.leaderId())
            .add(n.paid()).add(n.succeeded()).add(n.pickedUp()).add(n.refunded()).add(n.units()).add(n.gmv())
            .add(n.commission());
      });

  private static final MultiRowUpsert<GroupFact> GROUP_FACTS = new MultiRowUpsert<>(
      "INSERT INTO sales_group_facts (group_id, activity_id, first_at, succeeded) VALUES ",
      4,
      " ON DUPLICATE KEY UPDATE first_at = VALUES(first_at), succeeded = VALUES(succeeded)",
      Comparator.comparing(GroupFact::groupId),
      (g, values) -> values.add(g.groupId()).add(g.activityId()).add(utc(g.firstAt())).add(g.succeeded() ? 1 : 0));

  /** Adds a difference to a daily row (a new row starts at it). */
  private static final MultiRowUpsert<Map.Entry<SalesKey, SalesFigures>> DAILY = new MultiRowUpsert<>(
      "INSERT INTO sales_daily (day, activity_id, point_id, leader_id, reservations, paid, succeeded, picked_up,"
          + " refunded, units, gmv, commission, groups_succeeded) VALUES ",
      13,
      " ON DUPLICATE KEY UPDATE" + added("reservations") + "," + added("paid") + "," + added("succeeded") + ","
          + added("picked_up") + "," + added("refunded") + "," + added("units") + "," + added("gmv") + ","
          + added("commission") + "," + added("groups_succeeded"),
      Map.Entry.comparingByKey(SalesKey.ORDER),
      (e, values) -> {
        SalesKey k = e.getKey();
        SalesFigures n = e.getValue();
        values.add(k.day()).add(k.activityId()).add(k.pointId()).add(k.leaderId()).add(n.reservations())
            .add(n.paid()).add(n.succeeded()).add(n.pickedUp()).add(n.refunded()).add(n.units()).add(n.gmv())
            .add(n.commission()).add(n.groupsSucceeded());
      });

  private static String added(String column) {
    return " " + column + " = " + column + " + VALUES(" + column + ")";
  }
}
