package dev.flashgroup.engine.order;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import io.r2dbc.spi.Readable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.regex.Pattern;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * A merchant's orders from MySQL, newest first ({@code created_at}, then id), filtered by activity,
 * status, pickup point and a period of creation, all combined. Pages are keyset pages: a
 * {@link Cursor} names the last row seen, so a page costs the same wherever it is and rows that
 * arrive meanwhile neither repeat nor vanish. {@link #stream} reads the whole result row by row as
 * MySQL sends it (the export), never holding it.
 */
@Component
public class MerchantOrders {

  public static final int MAX_PAGE = 200;

  /** One order as the merchant sees it; the buyer id is the caller's to mask. */
  public record Row(String orderId, long activityId, String groupId, String buyerId, OrderStatus status, long amount,
      Long paidAmount, Long refundedAmount, Long pointId, Instant createdAt, Instant pickedUpAt) {}

  /**
   * Which orders: {@code merchantOrNull} null for every merchant's (admins); the rest null for
   * any; {@code from} inclusive, {@code to} exclusive, on the order's creation.
   */
  public record Filter(String merchantOrNull, Long activityId, OrderStatus status, Long pointId, Instant from,
      Instant to) {}

  /**
   * Where a page ends: the last row's creation and id. Opaque to clients (URL-safe base64 of
   * {@code <epoch ms>:<order id>}); {@link #parse} refuses anything it did not write.
   */
  public record Cursor(Instant createdAt, String orderId) {

    private static final long LATEST_MILLIS = Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();
    private static final Pattern TEXT = Pattern.compile("(0|[1-9][0-9]{0,14}):([0-9]{1,18}-[0-9]{1,18})");

    public static Cursor after(Row row) {
      return new Cursor(row.createdAt(), row.orderId());
    }

    public String token() {
      String text = createdAt.toEpochMilli() + ":" + orderId;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor a token stands for, or null when the token is not one this class wrote. */
    public static Cursor parse(String token) {
      if (token == null || token.isEmpty() || token.length() > 64) {
        return null;
      }
      try {
        var m = TEXT.matcher(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII));
        if (!m.matches()) {
          return null;
        }
        // Within MySQL's DATETIME range (years 1000-9999): a forged far-future instant never reaches it.
        long millis = Long.parseLong(m.group(1));
        return millis <= LATEST_MILLIS ? new Cursor(Instant.ofEpochMilli(millis), m.group(2)) : null;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  private static final String COLUMNS = "o.id, o.activity_id, o.group_id, o.buyer_id, o.status, o.amount,"
      + " o.paid_amount, o.refunded_amount, o.pickup_point_id, o.created_at, o.picked_up_at";

  private final DatabaseClient db;

  MerchantOrders(DatabaseClient db) {
    this.db = db;
  }

  /** Up to {@code limit} (1..{@value #MAX_PAGE}) rows after {@code afterOrNull}. */
  public Flux<Row> page(Filter filter, Cursor afterOrNull, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE);
    }
    return query(filter, afterOrNull, " LIMIT " + limit);
  }

  /**
   * Every row of the filter after {@code afterOrNull}, streamed as MySQL sends them (with
   * backpressure), for the export.
   */
  public Flux<Row> stream(Filter filter, Cursor afterOrNull) {
    return query(filter, afterOrNull, "");
  }

  private Flux<Row> query(Filter f, Cursor after, String limit) {
    return statement("", f, after, limit).map(MerchantOrders::row).all();
  }

  /**
   * The listing's statement, after {@code prefix} ({@code EXPLAIN } in the test that shows which
   * index serves it). A merchant's orders are found by the order's own {@code merchant_id} (V22):
   * with an activity, by {@code (activity_id, ...)}; without, by {@code (merchant_id, created_at,
   * id)}, read in the listing's order, so a page reads its rows and no more.
   */
  DatabaseClient.GenericExecuteSpec statement(String prefix, Filter f, Cursor after, String limit) {
    StringBuilder sql = new StringBuilder(prefix).append("SELECT ").append(COLUMNS).append(" FROM orders o");
    sql.append(" WHERE 1 = 1");
    if (f.merchantOrNull() != null) {
      sql.append(" AND o.merchant_id = :merchant");
    }
    if (f.activityId() != null) {
      sql.append(" AND o.activity_id = :activity");
    }
    if (f.status() != null) {
      sql.append(" AND o.status = :status");
    }
    if (f.pointId() != null) {
      sql.append(" AND o.pickup_point_id = :point");
    }
    if (f.from() != null) {
      sql.append(" AND o.created_at >= :from");
    }
    if (f.to() != null) {
      sql.append(" AND o.created_at < :to");
    }
    if (after != null) {
      sql.append(" AND (o.created_at < :afterAt OR (o.created_at = :afterAt AND o.id < :afterId))");
    }
    sql.append(" ORDER BY o.created_at DESC, o.id DESC").append(limit);
    var spec = db.sql(sql.toString());
    if (f.merchantOrNull() != null) {
      spec = spec.bind("merchant", f.merchantOrNull());
    }
    if (f.activityId() != null) {
      spec = spec.bind("activity", f.activityId());
    }
    if (f.status() != null) {
      spec = spec.bind("status", f.status().name());
    }
    if (f.pointId() != null) {
      spec = spec.bind("point", f.pointId());
    }
    if (f.from() != null) {
      spec = spec.bind("from", utc(f.from()));
    }
    if (f.to() != null) {
      spec = spec.bind("to", utc(f.to()));
    }
    if (after != null) {
      spec = spec.bind("afterAt", utc(after.createdAt())).bind("afterId", after.orderId());
    }
    return spec;
  }

  private static Row row(Readable r) {
    return new Row(r.get("id", String.class), r.get("activity_id", Long.class), r.get("group_id", String.class),
        r.get("buyer_id", String.class), OrderStatus.valueOf(r.get("status", String.class)), r.get("amount", Long.class),
        r.get("paid_amount", Long.class), r.get("refunded_amount", Long.class), r.get("pickup_point_id", Long.class),
        instant(r.get("created_at", LocalDateTime.class)), instant(r.get("picked_up_at", LocalDateTime.class)));
  }
}
