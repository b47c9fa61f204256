package dev.flashgroup.engine.pickup;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.kernel.SqlTime;
import io.r2dbc.spi.Readable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a point has to hand out, from MySQL (the projector keeps each order's window there): the
 * pick list of a day and the orders gone OVERDUE. Each reads one index ({@code ix_orders_point_window},
 * {@code ix_orders_point}).
 */
@Service
public class PickupLists {

  /** Most orders one listing answers. */
  public static final int MAX_ROWS = 10_000;

  private static final String SELECT = "SELECT o.activity_id, a.title, o.id, o.buyer_id, o.status, o.pickup_point_id,"
      + " o.pickup_from, o.pickup_to, o.rollovers FROM orders o JOIN activities a ON a.id = o.activity_id WHERE ";

  private final DatabaseClient db;

  PickupLists(DatabaseClient db) {
    this.db = db;
  }

  /**
   * The collectable orders at the point whose current window starts on {@code date} in the point's
   * {@code zone}, by activity and order; only {@code merchantId}'s activities unless it is null.
   */
  public Flux<PickupOrder> pickList(long pointId, LocalDate date, ZoneId zone, String merchantId) {
    LocalDateTime from = utc(date.atStartOfDay(zone).toInstant());
    LocalDateTime to = utc(date.plusDays(1).atStartOfDay(zone).toInstant());
    return db.sql(SELECT + "o.pickup_point_id = :point AND o.pickup_from >= :from AND o.pickup_from < :to"
            + " AND o.status = 'SUCCEEDED'" + (merchantId == null ? "" : " AND a.merchant_id = :merchant")
            + " ORDER BY o.activity_id, o.id LIMIT " + MAX_ROWS)
        .bind("point", pointId)
        .bind("from", from)
        .bind("to", to)
        .bindValues(merchantId == null ? Map.of() : Map.of("merchant", merchantId))
        .map(PickupLists::order)
        .all();
  }

  /** The point's OVERDUE orders, oldest window first. */
  public Flux<PickupOrder> overdueAt(long pointId) {
    return db.sql(SELECT + "o.pickup_point_id = :point AND o.status = 'OVERDUE' ORDER BY o.pickup_to, o.id LIMIT "
            + MAX_ROWS)
        .bind("point", pointId)
        .map(PickupLists::order)
        .all();
  }

  /** A merchant's OVERDUE orders, of one activity or all of them, oldest window first. */
  public Flux<PickupOrder> overdueOf(String merchantId, Long activityId) {
    return db.sql(SELECT + "a.merchant_id = :merchant AND o.status = 'OVERDUE'"
            + (activityId == null ? "" : " AND o.activity_id = :activity") + " ORDER BY o.pickup_to, o.id LIMIT "
            + MAX_ROWS)
        .bind("merchant", merchantId)
        .bindValues(activityId == null ? Map.of() : Map.of("activity", activityId))
        .map(PickupLists::order)
        .all();
  }

  /** Whether one of the merchant's activities delivers to the point. */
  public Mono<Boolean> deliversFor(String merchantId, long pointId) {
    return db.sql("SELECT 1 AS delivers FROM activity_points ap JOIN activities a ON a.id = ap.activity_id"
            + " WHERE ap.point_id = :point AND a.merchant_id = :merchant LIMIT 1")
        .bind("point", pointId).bind("merchant", merchantId)
        .map(row -> true).first().defaultIfEmpty(false);
  }

  private static PickupOrder order(Readable row) {
    Integer rollovers = row.get("rollovers", Integer.class);
    return new PickupOrder(row.get("activity_id", Long.class), row.get("title", String.class),
        row.get("id", String.class), row.get("buyer_id", String.class), row.get("status", String.class),
        row.get("pickup_point_id", Long.class), SqlTime.instant(row.get("pickup_from", LocalDateTime.class)),
        SqlTime.instant(row.get("pickup_to", LocalDateTime.class)), rollovers == null ? 0 : rollovers);
  }
}
