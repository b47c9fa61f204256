package dev.flashgroup.engine.alert;

import static dev.flashgroup.engine.kernel.SqlTime.instant;

import io.r2dbc.spi.Readable;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The recorded low-stock alerts, newest first, a merchant's (an admin's: everyone's), optionally of
 * one activity. Pages are keyset pages on the row's sequence: a page costs the same wherever it is,
 * and alerts recorded meanwhile neither repeat nor vanish.
 */
@Component
public class StockAlerts {

  public static final int MAX_PAGE = 200;

  /** A page and the cursor of the next one (null on the last). */
  public record Page(List<StockAlert> items, Cursor next) {}

  /** Where a page ends: the last row's sequence, opaque to clients (URL-safe base64). */
  public record Cursor(long seq) {

    public String token() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor a token stands for, or null when the token is not one this class wrote. */
    public static Cursor parse(String token) {
      if (token == null || token.isEmpty() || token.length() > 32) {
        return null;
      }
      try {
        String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
        return text.matches("[1-9][0-9]{0,17}") ? new Cursor(Long.parseLong(text)) : null;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  private final DatabaseClient db;

  StockAlerts(DatabaseClient db) {
    this.db = db;
  }

  /**
   * Up to {@code limit} (1..{@value #MAX_PAGE}) alerts after {@code afterOrNull}; {@code merchantOrNull}
   * null for every merchant's, {@code activityOrNull} null for every activity's.
   */
  public Mono<Page> page(String merchantOrNull, Long activityOrNull, Cursor afterOrNull, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE);
    }
    StringBuilder sql = new StringBuilder("SELECT seq, id, activity_id, point_id, order_id, remaining, safety_stock,"
        + " alerted_at FROM stock_alerts WHERE 1 = 1");
    if (merchantOrNull != null) {
      sql.append(" AND merchant_id = :merchant");
    }
    if (activityOrNull != null) {
      sql.append(" AND activity_id = :activity");
    }
    if (afterOrNull != null) {
      sql.append(" AND seq < :after");
    }
    sql.append(" ORDER BY seq DESC LIMIT ").append(limit);
    var spec = db.sql(sql.toString());
    if (merchantOrNull != null) {
      spec = spec.bind("merchant", merchantOrNull);
    }
    if (activityOrNull != null) {
      spec = spec.bind("activity", activityOrNull);
    }
    if (afterOrNull != null) {
      spec = spec.bind("after", afterOrNull.seq());
    }
    return spec.map(row -> new Object[] {row.get("seq", Long.class), alert(row)}).all().collectList()
        .map(rows -> new Page(rows.stream().map(r -> (StockAlert) r[1]).toList(),
            rows.size() < limit ? null : new Cursor((Long) rows.get(rows.size() - 1)[0])));
  }

  static StockAlert alert(Readable row) {
    return new StockAlert(row.get("id", String.class), row.get("activity_id", Long.class),
        row.get("point_id", Long.class), row.get("order_id", String.class), row.get("remaining", Integer.class),
        row.get("safety_stock", Integer.class), instant(row.get("alerted_at", LocalDateTime.class)));
  }
}
