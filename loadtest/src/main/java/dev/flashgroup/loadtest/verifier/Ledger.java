package dev.flashgroup.loadtest.verifier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What MySQL, the record of truth, holds about one activity. */
record Ledger(long activity, int stock, Map<String, Row> orders, Map<String, Group> groups,
    Map<String, Payment> payments, Map<String, List<Refund>> refundsByOrder, Map<Long, Integer> allocation,
    List<Commission> commissions) {

  /** {@code pointId} is the pickup point the order is collected at; null without points. */
  record Row(String id, String groupId, String status, long amount, int version, Long pointId) {}

  record Group(String id, String status, int size, int members, int paid, int version) {}

  record Payment(String transactionId, String orderId, long amount) {}

  record Refund(String refundNo, String orderId, long amount, String reason, String status) {}

  /**
   * An order's leader commission: the facts (rate, paid), what the ledger says ({@code total},
   * {@code base}, the sum of its entries that change it) and what its recorded refunds add up to
   * ({@code tier}: TIER_PRICE, {@code reversed}: every other).
   */
  record Commission(String orderId, String leaderId, String orderLeader, int bps, long paid, long total, long base,
      boolean adminReversed, long entries, long tier, long reversed) {}

  static List<Long> activityIds(Connection db) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement s = db.prepareStatement("SELECT id FROM activities ORDER BY id");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  /** How many Redis buckets the activity's stock is split into (1 for an unknown activity). */
  static int shards(Connection db, long activity) throws SQLException {
    try (PreparedStatement s = db.prepareStatement("SELECT shards FROM activities WHERE id = ?")) {
      s.setLong(1, activity);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 1;
      }
    }
  }

  /** Empty when the activity does not exist. */
  static java.util.Optional<Ledger> read(Connection db, long activity) throws SQLException {
    Integer stock = null;
    try (PreparedStatement s = db.prepareStatement("SELECT stock FROM activities WHERE id = ?")) {
      s.setLong(1, activity);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          stock = rs.getInt(1);
        }
      }
    }
    if (stock == null) {
      return java.util.Optional.empty();
    }
    Map<String, Row> orders = new LinkedHashMap<>();
    query(db, "SELECT id, group_id, status, amount, version, pickup_point_id FROM orders WHERE activity_id = ?",
        activity, rs -> orders.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getLong(4), rs.getInt(5), rs.getObject(6) == null ? null : rs.getLong(6))));
    Map<String, Group> groups = new LinkedHashMap<>();
    query(db, "SELECT id, status, size, members, paid, version FROM purchase_groups WHERE activity_id = ?", activity,
        rs -> groups.put(rs.getString(1), new Group(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
            rs.getInt(5), rs.getInt(6))));
    Map<String, Payment> payments = new HashMap<>();
    query(db, "SELECT p.transaction_id, p.order_id, p.amount FROM payments p"
            + " WHERE p.order_id LIKE CONCAT(?, '-%')", activity,
        rs -> payments.put(rs.getString(1), new Payment(rs.getString(1), rs.getString(2), rs.getLong(3))));
    Map<String, List<Refund>> refunds = new HashMap<>();
    query(db, "SELECT refund_no, order_id, amount, reason, status FROM refunds WHERE order_id LIKE CONCAT(?, '-%')",
        activity, rs -> refunds.computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
            .add(new Refund(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5))));
    Map<Long, Integer> allocation = new LinkedHashMap<>();
    query(db, "SELECT point_id, stock FROM activity_points WHERE activity_id = ? ORDER BY point_id", activity,
        rs -> allocation.put(rs.getLong(1), rs.getInt(2)));
    List<Commission> commissions = new ArrayList<>();
    query(db, "SELECT c.order_id, c.leader_id, o.leader_id, c.bps, c.paid_amount, c.total, c.base, c.admin_reversed,"
            + " (SELECT COALESCE(SUM(e.amount), 0) FROM commission_entries e WHERE e.order_id = c.order_id"
            + " AND e.kind IN ('EXPECTED', 'ADJUSTED', 'REVERSED')),"
            + " (SELECT COALESCE(SUM(r.amount), 0) FROM commission_refunds r WHERE r.order_id = c.order_id"
            + " AND r.reason = 'TIER_PRICE'),"
            + " (SELECT COALESCE(SUM(r.amount), 0) FROM commission_refunds r WHERE r.order_id = c.order_id"
            + " AND r.reason <> 'TIER_PRICE')"
            + " FROM commissions c LEFT JOIN orders o ON o.id = c.order_id WHERE c.activity_id = ?", activity,
        rs -> commissions.add(new Commission(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getBoolean(8), rs.getLong(9), rs.getLong(10),
            rs.getLong(11))));
    return java.util.Optional.of(new Ledger(activity, stock, orders, groups, payments, refunds, allocation,
        commissions));
  }

  /** A cheap summary that changes whenever a worker writes anything; equal twice in a row = quiet. */
  static String fingerprint(Connection db) throws SQLException {
    StringBuilder f = new StringBuilder();
    for (String sql : List.of("SELECT COUNT(*), COALESCE(SUM(version), 0) FROM orders",
        "SELECT COUNT(*), COALESCE(SUM(version), 0) FROM purchase_groups",
        "SELECT COUNT(*), 0 FROM payments",
        "SELECT COUNT(*), COALESCE(SUM(status = 'CONFIRMED'), 0) FROM refunds")) {
      try (PreparedStatement s = db.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
        rs.next();
        f.append(rs.getLong(1)).append('/').append(rs.getLong(2)).append(' ');
      }
    }
    return f.toString();
  }

  long count(String... statuses) {
    List<String> wanted = List.of(statuses);
    return orders.values().stream().filter(o -> wanted.contains(o.status())).count();
  }

  /** Units held by live orders at one pickup point. */
  long heldAt(long point) {
    return orders.values().stream()
        .filter(o -> Long.valueOf(point).equals(o.pointId()) && Invariants.HOLDING.contains(o.status())).count();
  }

  private interface RowHandler {
    void accept(ResultSet rs) throws SQLException;
  }

  private static void query(Connection db, String sql, long activity, RowHandler handler) throws SQLException {
    try (PreparedStatement s = db.prepareStatement(sql)) {
      s.setLong(1, activity);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          handler.accept(rs);
        }
      }
    }
  }
}
