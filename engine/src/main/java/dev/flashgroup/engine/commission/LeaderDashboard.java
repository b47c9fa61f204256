package dev.flashgroup.engine.commission;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.leader.InvalidLeaderRequest;
import dev.flashgroup.engine.leader.InvalidLeaderRequest.Violation;
import dev.flashgroup.engine.leader.LeaderSettings;
import dev.flashgroup.engine.order.OrderStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** A leader's dashboard, from MySQL (indexed by leader). */
@Service
public class LeaderDashboard {

  /** Longest period the daily figures cover. */
  public static final int MAX_DAYS = 92;
  /** The period shown when none is asked for: the last seven days. */
  public static final int DEFAULT_DAYS = 7;

  /**
   * An attributed order of the period; {@code sold} whether it counts in the daily figures (it is,
   * or was, paid and not refunded in full), {@code gmv} what it finally sold for.
   */
  private record OrderRow(Instant createdAt, String groupId, String groupStatus, boolean sold, long gmv,
      long commission) {}


  private final DatabaseClient db;
  private final Balances balances;
  private final CommissionSettings settings;
  private final LeaderSettings leaders;
  private final Clock clock;

  LeaderDashboard(DatabaseClient db, Balances balances, CommissionSettings settings, LeaderSettings leaders,
      Clock clock) {
    this.db = db;
    this.balances = balances;
    this.settings = settings;
    this.leaders = leaders;
    this.clock = clock;
  }

  /** {@code from} and {@code to} are days in the leader's zone, both included; either may be null. */
  public Mono<Dashboard> of(String leader, LocalDate from, LocalDate to) {
    return zone(leader).flatMap(zone -> {
      LocalDate last = to != null ? to : from != null ? from.plusDays(DEFAULT_DAYS - 1) : LocalDate.now(clock.withZone(zone));
      LocalDate first = from != null ? from : last.minusDays(DEFAULT_DAYS - 1);
      if (first.isAfter(last) || ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
        return Mono.error(new InvalidLeaderRequest(List.of(new Violation("from",
            "must be on or before to, at most " + MAX_DAYS + " days before it"))));
      }
      Instant now = clock.instant();
      return Mono.zip(balances.totals(leader), members(leader, now), orders(leader, first, last, zone))
          .map(t -> {
            Balances.Totals s = t.getT1();
            List<OrderRow> rows = t.getT3();
            return new Dashboard(leader, first, last, zone, s.expected(), s.earned(), s.settled(), s.reversed(),
                s.balance(), s.withdrawn(), t.getT2(), groups(rows), days(rows, first, last, zone));
          });
    });
  }

  /** A point leader's point's zone, else the configured one. */
  private Mono<ZoneId> zone(String leader) {
    return db.sql("SELECT p.zone FROM leaders l JOIN pickup_points p ON p.id = l.point_id WHERE l.subject = :leader")
        .bind("leader", leader).map(r -> ZoneId.of(r.get("zone", String.class))).one()
        .defaultIfEmpty(settings.zone());
  }

  private Mono<Dashboard.Members> members(String leader, Instant now) {
    Mono<Long> bound = db.sql("SELECT COUNT(*) AS n FROM leader_bindings WHERE leader = :leader AND last_referred_at > :since")
        .bind("leader", leader).bind("since", utc(now.minus(leaders.binding())))
        .map(r -> r.get("n", Long.class)).one();
    Mono<Long> fresh = db.sql("SELECT COUNT(*) AS n FROM leader_binding_changes WHERE leader_after = :leader AND at >= :since")
        .bind("leader", leader).bind("since", utc(now.minus(Duration.ofDays(7))))
        .map(r -> r.get("n", Long.class)).one();
    return Mono.zip(bound, fresh).map(t -> new Dashboard.Members(t.getT1(), t.getT2()));
  }

  private Mono<List<OrderRow>> orders(String leader, LocalDate first, LocalDate last, ZoneId zone) {
    return db.sql("SELECT o.created_at, o.group_id, o.status, o.paid_amount, o.final_amount, g.status AS group_status,"
            + " c.total FROM orders o"
            + " LEFT JOIN purchase_groups g ON g.id = o.group_id LEFT JOIN commissions c ON c.order_id = o.id"
            + " WHERE o.leader_id = :leader AND o.created_at >= :from AND o.created_at < :to")
        .bind("leader", leader)
        .bind("from", utc(first.atStartOfDay(zone).toInstant()))
        .bind("to", utc(last.plusDays(1).atStartOfDay(zone).toInstant()))
        .map(r -> {
          Long total = r.get("total", Long.class);
          Long paid = r.get("paid_amount", Long.class);
          Long fin = r.get("final_amount", Long.class);
          long gmv = fin != null ? fin : paid != null ? paid : 0;
          boolean sold = paid != null && gmv > 0 && OrderStatus.isSold(r.get("status", String.class));
          return new OrderRow(instant(r.get("created_at", LocalDateTime.class)), r.get("group_id", String.class),
              r.get("group_status", String.class), sold, gmv, total == null ? 0 : total);
        })
        .all().collectList();
  }

  private static Dashboard.Groups groups(List<OrderRow> rows) {
    Set<String> opened = new HashSet<>();
    Set<String> succeeded = new HashSet<>();
    for (OrderRow r : rows) {
      if (r.groupId() != null) {
        opened.add(r.groupId());
        if ("SUCCEEDED".equals(r.groupStatus())) {
          succeeded.add(r.groupId());
        }
      }
    }
    double rate = opened.isEmpty() ? 0 : Math.round(10_000.0 * succeeded.size() / opened.size()) / 10_000.0;
    return new Dashboard.Groups(opened.size(), succeeded.size(), rate);
  }

  /** Every day of the period, those without orders too (a chart's x axis). */
  private static List<Dashboard.Day> days(List<OrderRow> rows, LocalDate first, LocalDate last, ZoneId zone) {
    TreeMap<LocalDate, long[]> byDay = new TreeMap<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      byDay.put(d, new long[3]);
    }
    for (OrderRow r : rows) {
      long[] day = byDay.get(LocalDate.ofInstant(r.createdAt(), zone));
      if (r.sold() && day != null) {
        day[0]++;
        day[1] += r.gmv();
        day[2] += r.commission();
      }
    }
    List<Dashboard.Day> days = new ArrayList<>();
    byDay.forEach((date, d) -> days.add(new Dashboard.Day(date, d[0], d[1], d[2])));
    return days;
  }
}
