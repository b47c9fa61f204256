package dev.flashgroup.engine.analytics;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.kernel.ActivityId;
import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The platform's figures for operators, from {@code sales_daily} (a few rows per activity and
 * day, whatever the number of orders), the viewers' HyperLogLogs and the leaders' binding changes.
 * Never a scan of Redis keys, never a scan of orders.
 */
@Service
public class PlatformAnalytics {

  /** Most activities a day's funnel lists. */
  public static final int MAX_DAY_ACTIVITIES = 1000;
  public static final int MAX_LIMIT = 100;
  public static final int MAX_LEADERS = 1000;

  private static final String FUNNEL_SUMS = "SUM(reservations) AS reservations, SUM(paid) AS paid,"
      + " SUM(groups_succeeded) AS groups_succeeded, SUM(picked_up) AS picked_up, SUM(refunded) AS refunded";

  private final DatabaseClient db;
  private final ViewerCounter viewers;
  private final ZoneId zone;

  PlatformAnalytics(DatabaseClient db, ViewerCounter viewers, AnalyticsSettings settings) {
    this.db = db;
    this.viewers = viewers;
    this.zone = settings.zone();
  }

  /** The activity's funnel over its whole life; empty when there is no such activity. */
  public Mono<Funnel> funnel(ActivityId activity) {
    Mono<Boolean> exists = db.sql("SELECT 1 FROM activities WHERE id = :id").bind("id", activity.value())
        .map(r -> true).one().defaultIfEmpty(false);
    return exists.flatMap(found -> !found ? Mono.empty()
        : Mono.zip(viewers.viewers(activity),
            db.sql("SELECT " + FUNNEL_SUMS + " FROM sales_daily WHERE activity_id = :id").bind("id", activity.value())
                .map(r -> funnel(0, r)).one())
            .map(t -> withViewers(t.getT2(), t.getT1())));
  }

  /** The day's funnel: every activity's, and each activity sold or running that day. */
  public Mono<DayFunnel> funnel(LocalDate day) {
    Mono<Map<Long, Funnel>> sold = db.sql("SELECT activity_id, " + FUNNEL_SUMS + " FROM sales_daily WHERE day = :day"
            + " GROUP BY activity_id ORDER BY activity_id LIMIT " + MAX_DAY_ACTIVITIES)
        .bind("day", day)
        .map(r -> Map.entry(r.get("activity_id", Long.class), funnel(0, r)))
        .all().collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
    Mono<List<Long>> running = db.sql("SELECT id FROM activities WHERE starts_at < :end AND ends_at > :start"
            + " ORDER BY id LIMIT " + MAX_DAY_ACTIVITIES)
        .bind("start", utc(day.atStartOfDay(zone).toInstant()))
        .bind("end", utc(day.plusDays(1).atStartOfDay(zone).toInstant()))
        .map(r -> r.get("id", Long.class)).all().collectList();
    Mono<Funnel> total = db.sql("SELECT " + FUNNEL_SUMS + " FROM sales_daily WHERE day = :day").bind("day", day)
        .map(r -> funnel(0, r)).one();
    return Mono.zip(sold, running, total, viewers.viewers(day)).flatMap(t -> {
      Map<Long, Funnel> each = t.getT1();
      for (Long id : t.getT2()) {
        if (each.size() >= MAX_DAY_ACTIVITIES) {
          break;
        }
        each.putIfAbsent(id, new Funnel(0, 0, 0, 0, 0, 0));
      }
      return viewers.viewers(each.keySet(), day).map(seen -> {
        Map<Long, Funnel> activities = new LinkedHashMap<>();
        each.forEach((id, f) -> activities.put(id, withViewers(f, seen.getOrDefault(id, 0L))));
        return new DayFunnel(day, withViewers(t.getT3(), t.getT4()), activities);
      });
    });
  }

  /** The top {@code limit} by units sold, then GMV, over the period. */
  public Mono<List<Ranked>> ranking(RankingBy by, Period period, int limit, boolean byGmv) {
    String order = byGmv ? " ORDER BY gmv DESC, units DESC, id" : " ORDER BY units DESC, gmv DESC, id";
    String sql = switch (by) {
      case ACTIVITY -> "SELECT s.activity_id AS id, MAX(a.title) AS name, SUM(s.units) AS units, SUM(s.gmv) AS gmv"
          + " FROM sales_daily s JOIN activities a ON a.id = s.activity_id WHERE s.day BETWEEN :from AND :to"
          + " GROUP BY s.activity_id";
      case MERCHANT -> "SELECT a.merchant_id AS id, a.merchant_id AS name, SUM(s.units) AS units, SUM(s.gmv) AS gmv"
          + " FROM sales_daily s JOIN activities a ON a.id = s.activity_id WHERE s.day BETWEEN :from AND :to"
          + " GROUP BY a.merchant_id";
      case POINT -> "SELECT s.point_id AS id, MAX(p.name) AS name, SUM(s.units) AS units, SUM(s.gmv) AS gmv"
          + " FROM sales_daily s JOIN pickup_points p ON p.id = s.point_id WHERE s.day BETWEEN :from AND :to"
          + " AND s.point_id <> 0 GROUP BY s.point_id";
    };
    return db.sql(sql + order + " LIMIT " + Math.min(limit, MAX_LIMIT))
        .bind("from", period.from()).bind("to", period.to())
        .map(r -> new Ranked(by == RankingBy.MERCHANT ? r.get("id", String.class) : r.get("id", Long.class),
            r.get("name", String.class), number(r, "units"), number(r, "gmv")))
        .all().collectList();
  }

  /** Each pickup point with sales in the period, by id. */
  public Mono<List<PointSales>> points(Period period) {
    return db.sql("SELECT s.point_id, MAX(p.name) AS name, MAX(p.latitude) AS latitude, MAX(p.longitude) AS longitude,"
            + " SUM(s.units) AS units, SUM(s.gmv) AS gmv FROM sales_daily s JOIN pickup_points p ON p.id = s.point_id"
            + " WHERE s.day BETWEEN :from AND :to AND s.point_id <> 0 GROUP BY s.point_id ORDER BY s.point_id")
        .bind("from", period.from()).bind("to", period.to())
        .map(r -> new PointSales(r.get("point_id", Long.class), r.get("name", String.class),
            r.get("latitude", BigDecimal.class), r.get("longitude", BigDecimal.class), number(r, "units"),
            number(r, "gmv")))
        .all().collectList();
  }

  /** Each leader with attributed orders or new members in the period, the highest GMV first, at most {@code limit}. */
  public Mono<List<LeaderSales>> leaders(Period period, int limit) {
    record Sums(long units, long gmv, long paid, long succeeded, long commission) {}
    Mono<Map<String, Sums>> sales = db.sql("SELECT leader_id, SUM(units) AS units, SUM(gmv) AS gmv, SUM(paid) AS paid,"
            + " SUM(succeeded) AS succeeded, SUM(commission) AS commission FROM sales_daily"
            + " WHERE day BETWEEN :from AND :to AND leader_id <> '' GROUP BY leader_id")
        .bind("from", period.from()).bind("to", period.to())
        .map(r -> Map.entry(r.get("leader_id", String.class), new Sums(number(r, "units"), number(r, "gmv"),
            number(r, "paid"), number(r, "succeeded"), number(r, "commission"))))
        .all().collectMap(Map.Entry::getKey, Map.Entry::getValue);
    Mono<Map<String, Long>> members = db.sql("SELECT leader_after, COUNT(*) AS n FROM leader_binding_changes"
            + " WHERE at >= :from AND at < :to GROUP BY leader_after")
        .bind("from", utc(period.from().atStartOfDay(zone).toInstant()))
        .bind("to", utc(period.to().plusDays(1).atStartOfDay(zone).toInstant()))
        .map(r -> Map.entry(r.get("leader_after", String.class), number(r, "n")))
        .all().collectMap(Map.Entry::getKey, Map.Entry::getValue);
    return Mono.zip(sales, members).map(t -> {
      Map<String, LeaderSales> all = new HashMap<>();
      Sums none = new Sums(0, 0, 0, 0, 0);
      for (String leader : union(t.getT1().keySet(), t.getT2().keySet())) {
        Sums s = t.getT1().getOrDefault(leader, none);
        double rate = s.paid() == 0 ? 0 : Math.round(10_000.0 * s.succeeded() / s.paid()) / 10_000.0;
        all.put(leader, new LeaderSales(leader, s.units(), s.gmv(), rate, s.commission(),
            t.getT2().getOrDefault(leader, 0L)));
      }
      return all.values().stream()
          .sorted(Comparator.comparingLong(LeaderSales::gmv).reversed()
              .thenComparing(LeaderSales::leader))
          .limit(Math.min(limit, MAX_LEADERS)).toList();
    });
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  private static Funnel funnel(long viewers, Readable r) {
    return new Funnel(viewers, number(r, "reservations"), number(r, "paid"), number(r, "groups_succeeded"),
        number(r, "picked_up"), number(r, "refunded"));
  }

  private static Funnel withViewers(Funnel f, long viewers) {
    return new Funnel(viewers, f.reservations(), f.paid(), f.groupsSucceeded(), f.pickedUp(), f.refunded());
  }

  /** A SUM or COUNT: null over no rows, a BigDecimal or a Long depending on the server. */
  private static long number(Readable r, String column) {
    Object value = r.get(column);
    return value == null ? 0 : ((Number) value).longValue();
  }
}
