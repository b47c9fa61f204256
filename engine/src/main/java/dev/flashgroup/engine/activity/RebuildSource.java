package dev.flashgroup.engine.activity;

import static dev.flashgroup.engine.kernel.SqlTime.instant;

import dev.flashgroup.engine.kernel.ActivityId;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What MySQL records of an activity, as rebuild_activity.lua writes it back into Redis: the order
 * and group hashes (every value a string, as the hashes hold them), the members of each group, the
 * collectable orders with the reminders already delivered, and the highest sequence any table
 * knows. See lua/SCHEMA.md, "Rebuilding a lost activity".
 */
@Component
class RebuildSource {

  /** A hash to write: the order's or group's id, its fields, and (groups) buyer → order id. */
  record Entry(String id, Map<String, String> fields, Map<String, String> members) {}

  /**
   * A collectable order (SUCCEEDED at a point, with its window) for the PICKUPS step: whether the
   * goods are perishable (two reminders per window) and the kinds of its current window's
   * reminders that the reminder worker already received (a {@code pickup_reminders} row, whatever
   * its status: the worker sends, retries or gave up on it itself), which are not queued again.
   */
  record Collectable(String id, boolean perishable, List<String> delivered) {}

  private final DatabaseClient db;

  RebuildSource(DatabaseClient db) {
    this.db = db;
  }

  /**
   * Every order of the activity with its payment and refunds. A full refund ({@code RF<order id>})
   * is the order's {@code refund_no}; any other refund is a {@code refund:<no>} field, REQUESTED or
   * CONFIRMED as MySQL records it.
   */
  Flux<Entry> orders(ActivityId activity) {
    return refunds(activity).flatMapMany(refunds -> db.sql("SELECT o.id, o.group_id, o.buyer_id, o.status, o.amount,"
            + " o.pay_by, o.version, o.created_at, o.paid_amount, o.final_amount, o.refunded_amount,"
            + " o.pickup_point_id, o.picked_up_at, o.pickup_from, o.pickup_to, o.rollovers,"
            + " p.transaction_id, p.paid_at,"
            + " COALESCE(o.picked_up_by, (SELECT MIN(v.subject) FROM pickup_verifications v WHERE v.order_id = o.id"
            + " AND v.outcome = 'PICKED_UP')) AS picked_up_by FROM orders o LEFT JOIN payments p ON p.order_id = o.id"
            + " WHERE o.activity_id = :id ORDER BY o.id")
        .bind("id", activity.value())
        .map(row -> {
          String id = row.get("id", String.class);
          Map<String, String> f = new LinkedHashMap<>();
          String status = row.get("status", String.class);
          f.put("status", status);
          f.put("buyer", row.get("buyer_id", String.class));
          String group = row.get("group_id", String.class);
          f.put("group", group == null ? "" : group);
          f.put("amount", Long.toString(row.get("amount", Long.class)));
          f.put("pay_by", millis(row.get("pay_by", LocalDateTime.class)));
          f.put("created_at", millis(row.get("created_at", LocalDateTime.class)));
          f.put("version", Integer.toString(row.get("version", Integer.class)));
          putIfKnown(f, "point", row.get("pickup_point_id", Long.class));
          putIfKnown(f, "tx", row.get("transaction_id", String.class));
          putMillisIfKnown(f, "paid_at", row.get("paid_at", LocalDateTime.class));
          putMillisIfKnown(f, "picked_up_at", row.get("picked_up_at", LocalDateTime.class));
          putIfKnown(f, "picked_up_by", row.get("picked_up_by", String.class));
          putMillisIfKnown(f, "pickup_from", row.get("pickup_from", LocalDateTime.class));
          putMillisIfKnown(f, "pickup_to", row.get("pickup_to", LocalDateTime.class));
          putIfKnown(f, "rollovers", row.get("rollovers", Integer.class));
          putIfKnown(f, "paid_amount", row.get("paid_amount", Long.class));
          putIfKnown(f, "final_amount", row.get("final_amount", Long.class));
          putIfKnown(f, "refunded_amount", row.get("refunded_amount", Long.class));
          String fullRefund = "RF" + id;
          if ("REFUNDING".equals(status) || "REFUNDED".equals(status)) {
            f.put("refund_no", fullRefund);
          }
          for (Refund refund : refunds.getOrDefault(id, List.of())) {
            if (refund.no().equals(fullRefund)) {
              if (refund.confirmedAt() != null) {
                f.put("refunded_at", millis(refund.confirmedAt()));
              }
            } else {
              f.put("refund:" + refund.no(), refund.status());
            }
          }
          return new Entry(id, f, Map.of());
        })
        .all());
  }

  /**
   * The activity's collectable orders, as open_pickup and roll_over_pickups keep them in the pickup
   * timers, each with its current window's reminders already delivered (see {@link Collectable}).
   */
  Flux<Collectable> collectable(Activity activity) {
    boolean perishable = activity.pickup() != null && activity.pickup().perishable();
    return db.sql("SELECT o.id, r.kind FROM orders o LEFT JOIN pickup_reminders r ON r.order_id = o.id"
            + " AND r.window_no = COALESCE(o.rollovers, 0)"
            + " WHERE o.activity_id = :id AND o.status = 'SUCCEEDED' AND o.pickup_point_id IS NOT NULL"
            + " AND o.pickup_to IS NOT NULL ORDER BY o.id")
        .bind("id", activity.id().value())
        .map(row -> Map.entry(row.get("id", String.class), Optional.ofNullable(row.get("kind", String.class))))
        .all()
        .bufferUntilChanged(Map.Entry::getKey)
        .map(rows -> new Collectable(rows.get(0).getKey(), perishable,
            rows.stream().flatMap(r -> r.getValue().stream()).distinct().toList()));
  }

  private record Refund(String no, String status, LocalDateTime confirmedAt) {}

  private Mono<Map<String, List<Refund>>> refunds(ActivityId activity) {
    // A claim's refund (RC<claimId>, reason CLAIM) lives in MySQL alone: it is confirmed there, never
    // by confirm_refund.lua, so in the order hash it would stay REQUESTED and the activity never retire.
    return db.sql("SELECT r.refund_no, r.order_id, r.status, r.confirmed_at FROM refunds r"
            + " JOIN orders o ON o.id = r.order_id WHERE o.activity_id = :id AND r.reason <> 'CLAIM'")
        .bind("id", activity.value())
        .map(row -> Map.entry(row.get("order_id", String.class), new Refund(row.get("refund_no", String.class),
            row.get("status", String.class), row.get("confirmed_at", LocalDateTime.class))))
        .all()
        .collect(HashMap::new, (byOrder, e) -> byOrder.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
            .add(e.getValue()));
  }

  /**
   * Every group of the activity with its members: the buyers of its orders that did not leave it
   * ({@code left_group} false), as the members hash holds them. An OPEN group's member and paid
   * counts are taken from those orders rather than from the group's row, which may carry a later
   * event than its orders when events were applied out of order.
   */
  Flux<Entry> groups(ActivityId activity, int batch) {
    return db.sql("SELECT id, leader_id, status, size, members, paid, deadline, version, updated_at,"
            + " virtual_members, price FROM purchase_groups WHERE activity_id = :id ORDER BY id")
        .bind("id", activity.value())
        .map(row -> {
          Map<String, String> f = new LinkedHashMap<>();
          String status = row.get("status", String.class);
          f.put("status", status);
          f.put("size", Integer.toString(row.get("size", Integer.class)));
          f.put("members", Integer.toString(row.get("members", Integer.class)));
          f.put("paid", Integer.toString(row.get("paid", Integer.class)));
          f.put("deadline", millis(row.get("deadline", LocalDateTime.class)));
          f.put("leader", row.get("leader_id", String.class));
          f.put("version", Integer.toString(row.get("version", Integer.class)));
          if (!"OPEN".equals(status)) {
            f.put("settled_at", millis(row.get("updated_at", LocalDateTime.class)));
          }
          putIfKnown(f, "virtual", row.get("virtual_members", Integer.class));
          putIfKnown(f, "price", row.get("price", Long.class));
          return new Entry(row.get("id", String.class), f, Map.of());
        })
        .all()
        .buffer(batch)
        .concatMap(groups -> members(activity, groups.stream().map(Entry::id).toList())
            .map(members -> groups.stream().map(g -> withMembers(g, members.getOrDefault(g.id(), List.of()))).toList()))
        .flatMapIterable(groups -> groups);
  }

  private record Member(String buyer, String orderId, String status) {}

  private Mono<Map<String, List<Member>>> members(ActivityId activity, List<String> groupIds) {
    return db.sql("SELECT group_id, buyer_id, id, status FROM orders WHERE activity_id = :id"
            + " AND group_id IN (:groups) AND left_group = FALSE")
        .bind("id", activity.value())
        .bind("groups", groupIds)
        .map(row -> Map.entry(row.get("group_id", String.class), new Member(row.get("buyer_id", String.class),
            row.get("id", String.class), row.get("status", String.class))))
        .all()
        .collect(HashMap::new, (byGroup, e) -> byGroup.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
            .add(e.getValue()));
  }

  private static Entry withMembers(Entry group, List<Member> members) {
    Map<String, String> byBuyer = new LinkedHashMap<>();
    members.forEach(m -> byBuyer.put(m.buyer(), m.orderId()));
    Map<String, String> fields = new LinkedHashMap<>(group.fields());
    if ("OPEN".equals(fields.get("status"))) {
      fields.put("members", Integer.toString(byBuyer.size()));
      fields.put("paid", Long.toString(members.stream().filter(m -> "PAID".equals(m.status())).count()));
    }
    return new Entry(group.id(), fields, byBuyer);
  }

  /**
   * The highest order or group sequence any table records for the activity: its orders and groups,
   * and the payments a gateway reported or a buyer started for orders MySQL may not hold (a buyer
   * can pay only an order they were told of).
   */
  Mono<Long> highestSequence(ActivityId activity) {
    String prefix = activity.value() + "-";
    return db.sql("SELECT COALESCE(MAX(n), 0) AS top FROM ("
            + " SELECT CAST(SUBSTRING(id, :from) AS SIGNED) AS n FROM orders WHERE activity_id = :id"
            + " UNION ALL SELECT CAST(SUBSTRING(id, :from) AS SIGNED) FROM purchase_groups WHERE activity_id = :id"
            + " UNION ALL SELECT CAST(SUBSTRING(order_id, :from) AS SIGNED) FROM payments WHERE order_id LIKE :like"
            + " UNION ALL SELECT CAST(SUBSTRING(order_id, :from) AS SIGNED) FROM wechat_payments"
            + " WHERE order_id LIKE :like) ids")
        .bind("from", prefix.length() + 1)
        .bind("id", activity.value())
        .bind("like", prefix + "%")
        .map(row -> row.get("top", Long.class))
        .one();
  }

  /** Units the activity's orders hold at each pickup point, as MySQL records them (rebuild_activity's HOLDS_UNIT). */
  Mono<Map<Long, Long>> heldByPoint(ActivityId activity) {
    return db.sql("SELECT pickup_point_id, COUNT(*) AS n FROM orders WHERE activity_id = :id"
            + " AND pickup_point_id IS NOT NULL AND status IN ('RESERVED', 'PAID', 'SUCCEEDED', 'PICKED_UP', 'OVERDUE')"
            + " GROUP BY pickup_point_id")
        .bind("id", activity.value())
        .map(row -> Map.entry(row.get("pickup_point_id", Long.class), row.get("n", Long.class)))
        .all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue);
  }

  private static void putIfKnown(Map<String, String> fields, String field, Object value) {
    if (value != null) {
      fields.put(field, value.toString());
    }
  }

  private static void putMillisIfKnown(Map<String, String> fields, String field, LocalDateTime utc) {
    if (utc != null) {
      fields.put(field, millis(utc));
    }
  }

  private static String millis(LocalDateTime utc) {
    return Long.toString(instant(utc).toEpochMilli());
  }
}
