package dev.flashgroup.loadtest.verifier;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The invariants of DESIGN.md, checked for one activity once the system is quiet. Each check
 * names what it found with a stable kind:
 * <ol>
 *   <li>OVERSOLD: units held by live orders exceed the stock (MySQL or Redis); POINT_OVERSOLD: at a
 *       pickup point, units held by its live orders exceed its allocation;</li>
 *   <li>OVERFULL_GROUP: a group holds more real members than its size;</li>
 *   <li>LOST_ORDER / EXTRA_ORDER / UNACKNOWLEDGED_ORDER: an acknowledged reservation is not exactly one
 *       order row;</li>
 *   <li>MONEY: a payment without its order, a paid order without its payment, a refund missing or
 *       repeated;</li>
 *   <li>PICKUP (invariant 7): an order handed out (PICKED_UP) without a pickup point to collect it at;</li>
 *   <li>COMMISSION (invariant 8): an order's leader commission is not what its facts imply
 *       (floor((paid − tier difference − other refunds) × bps / 10000), nothing once an admin
 *       reversed it), its entries do not add up to it, or it is credited to another leader than
 *       the order's;</li>
 *   <li>STOCK_MISMATCH / POINT_STOCK_MISMATCH / SEQ_MISMATCH / STATE_MISMATCH: Redis' counters or states differ from what
 *       MySQL derives. Invariant 6 (Redis can be rebuilt from MySQL) holds when these do: every
 *       counter Redis keeps is then derivable from MySQL's rows.</li>
 * </ol>
 */
final class Invariants {

  /** Order states that hold a unit of stock. */
  static final Set<String> HOLDING = Set.of("RESERVED", "PAID", "SUCCEEDED", "PICKED_UP", "OVERDUE");

  private static final Set<String> PAID_STATES = Set.of("PAID", "SUCCEEDED", "PICKED_UP", "OVERDUE");

  private final long activity;
  private final List<Violation> found = new ArrayList<>();

  private Invariants(long activity) {
    this.activity = activity;
  }

  static List<Violation> check(Ledger mysql, LiveState redis) {
    Invariants i = new Invariants(mysql.activity());
    i.noOversell(mysql, redis);
    i.noOverfullGroup(mysql, redis);
    i.nothingLost(mysql, redis);
    i.moneyConsistent(mysql);
    i.handedOutAtAPoint(mysql);
    i.commissionExact(mysql);
    i.redisAgrees(mysql, redis);
    return i.found;
  }

  /** Invariant 3 against the load tool's own list of 201 answers. */
  static List<Violation> acknowledged(long activity, List<String> acknowledgedIds, Ledger mysql) {
    Invariants i = new Invariants(activity);
    Set<String> seen = new HashSet<>();
    for (String id : acknowledgedIds) {
      if (!seen.add(id)) {
        i.violation("DUPLICATE_ORDER", "order " + id + " was acknowledged to two buyers");
      } else if (!mysql.orders().containsKey(id)) {
        i.violation("LOST_ORDER", "order " + id + " was acknowledged by the API but has no row in MySQL");
      }
    }
    return i.found;
  }

  private void noOversell(Ledger mysql, LiveState redis) {
    long held = mysql.count(HOLDING.toArray(String[]::new));
    if (held > mysql.stock()) {
      violation("OVERSOLD", "MySQL: " + held + " units held by live orders, stock " + mysql.stock());
    }
    if (redis.warm() && redis.held() > mysql.stock()) {
      violation("OVERSOLD", "Redis: " + redis.held() + " units held by live orders, stock " + mysql.stock());
    }
    if (redis.warm() && redis.stock() < 0) {
      violation("OVERSOLD", "Redis: remaining stock is " + redis.stock());
    }
    mysql.allocation().forEach((point, share) -> {
      long heldThere = mysql.heldAt(point);
      if (heldThere > share) {
        violation("POINT_OVERSOLD", "MySQL: point " + point + ": " + heldThere + " units held by live orders, allocation "
            + share);
      }
      if (redis.warm() && redis.heldAt(point) > share) {
        violation("POINT_OVERSOLD", "Redis: point " + point + ": " + redis.heldAt(point)
            + " units held by live orders, allocation " + share);
      }
    });
  }

  private void noOverfullGroup(Ledger mysql, LiveState redis) {
    Map<String, Long> realMembers = new java.util.HashMap<>();
    for (Ledger.Row o : mysql.orders().values()) {
      if (o.groupId() != null && !o.groupId().isEmpty() && !"EXPIRED".equals(o.status())) {
        realMembers.merge(o.groupId(), 1L, Long::sum);
      }
    }
    for (Ledger.Group g : mysql.groups().values()) {
      long members = realMembers.getOrDefault(g.id(), 0L);
      if (members > g.size() || g.members() > g.size()) {
        violation("OVERFULL_GROUP", "group " + g.id() + " of size " + g.size() + " has " + members
            + " member orders (members column " + g.members() + ")");
      }
    }
    for (LiveState.Group g : redis.groups().values()) {
      if (g.members() > g.size()) {
        violation("OVERFULL_GROUP", "Redis: group " + g.id() + " of size " + g.size() + " has " + g.members()
            + " members");
      }
    }
  }

  private void nothingLost(Ledger mysql, LiveState redis) {
    if (!redis.warm()) {
      return;
    }
    for (String id : redis.orders().keySet()) {
      if (!mysql.orders().containsKey(id)) {
        violation("LOST_ORDER", "order " + id + " was reserved in Redis but has no row in MySQL");
      }
    }
    for (String id : mysql.orders().keySet()) {
      if (!redis.orders().containsKey(id)) {
        violation("EXTRA_ORDER", "order " + id + " is in MySQL but was never reserved in Redis");
      }
    }
    // Every order and every group takes one number from the activity's sequence; after a rebuild,
    // every number from the one it resumed at (the numbers before it may belong to lost orders).
    long from = redis.rebuiltSeq();
    long numbered = java.util.stream.Stream.concat(redis.orders().keySet().stream(), redis.groups().keySet().stream())
        .filter(id -> Long.parseLong(id.substring(id.indexOf('-') + 1)) > from).count();
    if (numbered != redis.seq() - from) {
      violation("SEQ_MISMATCH", "Redis handed out " + (redis.seq() - from) + " order and group numbers"
          + (from > 0 ? " since its rebuild at " + from : "") + " but holds " + numbered + " orders and groups");
    }
  }

  /** Invariant 7, as far as rows tell: only an order collected at a point can have been handed out. */
  private void handedOutAtAPoint(Ledger mysql) {
    mysql.orders().values().stream().filter(o -> "PICKED_UP".equals(o.status()) && o.pointId() == null)
        .forEach(o -> violation("PICKUP", "order " + o.id() + " is PICKED_UP but has no pickup point"));
  }

  /** Invariant 8, to the fen (docs/commission.md). */
  private void commissionExact(Ledger mysql) {
    for (Ledger.Commission c : mysql.commissions()) {
      long implied = c.adminReversed() ? 0 : Math.max(0, c.paid() - c.tier() - c.reversed()) * c.bps() / 10_000;
      long base = Math.max(0, c.paid() - c.tier()) * c.bps() / 10_000;
      if (c.total() != implied || c.entries() != c.total() || c.base() != base) {
        violation("COMMISSION", "order " + c.orderId() + ": commission " + c.total() + ", entries " + c.entries()
            + ", base " + c.base() + "; its facts imply " + implied + " (base " + base + ")");
      }
      if (!c.leaderId().equals(c.orderLeader())) {
        violation("COMMISSION", "order " + c.orderId() + " is attributed to " + c.orderLeader()
            + " but its commission goes to " + c.leaderId());
      }
    }
  }

  private void moneyConsistent(Ledger mysql) {
    Map<String, Long> paymentsPerOrder = new java.util.HashMap<>();
    for (Ledger.Payment p : mysql.payments().values()) {
      paymentsPerOrder.merge(p.orderId(), 1L, Long::sum);
      if (!mysql.orders().containsKey(p.orderId())) {
        violation("MONEY", "payment " + p.transactionId() + " belongs to no order (" + p.orderId() + ")");
      }
    }
    for (Ledger.Row o : mysql.orders().values()) {
      long payments = paymentsPerOrder.getOrDefault(o.id(), 0L);
      if (PAID_STATES.contains(o.status()) && payments != 1) {
        violation("MONEY", "order " + o.id() + " is " + o.status() + " with " + payments + " payments");
      }
      String fullRefund = "RF" + o.id();
      long fullRefunds = mysql.refundsByOrder().getOrDefault(o.id(), List.of()).stream()
          .filter(r -> r.refundNo().equals(fullRefund)).count();
      boolean refunding = "REFUNDING".equals(o.status()) || "REFUNDED".equals(o.status());
      if (refunding && fullRefunds != 1) {
        violation("MONEY", "order " + o.id() + " is " + o.status() + " with " + fullRefunds + " refunds " + fullRefund);
      }
      if (!refunding && fullRefunds > 0) {
        violation("MONEY", "order " + o.id() + " is " + o.status() + " but was refunded as " + fullRefund);
      }
      Ledger.Group group = o.groupId() == null ? null : mysql.groups().get(o.groupId());
      if (group != null && "FAILED".equals(group.status()) && payments > 0 && !refunding) {
        violation("MONEY", "order " + o.id() + " was paid in failed group " + group.id() + " and is " + o.status());
      }
      if ("EXPIRED".equals(o.status()) && payments > 0) {
        violation("MONEY", "order " + o.id() + " expired with a payment that was not refunded");
      }
    }
  }

  private void redisAgrees(Ledger mysql, LiveState redis) {
    if (!redis.warm()) {
      return;
    }
    long held = mysql.count(HOLDING.toArray(String[]::new));
    if (redis.stock() != mysql.stock() - held) {
      violation("STOCK_MISMATCH", "Redis says " + redis.stock() + " units left; MySQL derives " + mysql.stock()
          + " - " + held + " held = " + (mysql.stock() - held));
    }
    mysql.allocation().forEach((point, share) -> {
      long heldThere = mysql.heldAt(point);
      Integer left = redis.pointStock().get(point);
      if (left == null || left != share - heldThere) {
        violation("POINT_STOCK_MISMATCH", "Redis says " + left + " units left at point " + point + "; MySQL derives "
            + share + " - " + heldThere + " held = " + (share - heldThere));
      }
    });
    for (LiveState.Order r : redis.orders().values()) {
      Ledger.Row m = mysql.orders().get(r.id());
      if (m != null && (!Objects.equals(r.status(), m.status()) || r.version() != m.version())) {
        violation("STATE_MISMATCH", "order " + r.id() + ": Redis " + r.status() + " v" + r.version() + ", MySQL "
            + m.status() + " v" + m.version());
      }
    }
    for (LiveState.Group r : redis.groups().values()) {
      Ledger.Group m = mysql.groups().get(r.id());
      if (m == null) {
        violation("STATE_MISMATCH", "group " + r.id() + " is in Redis but not in MySQL");
      } else if (!Objects.equals(r.status(), m.status()) || r.members() != m.members() || r.paid() != m.paid()) {
        violation("STATE_MISMATCH", "group " + r.id() + ": Redis " + r.status() + " " + r.members() + " members "
            + r.paid() + " paid, MySQL " + m.status() + " " + m.members() + " members " + m.paid() + " paid");
      }
    }
  }

  private void violation(String kind, String detail) {
    found.add(new Violation(activity, kind, detail));
  }
}
