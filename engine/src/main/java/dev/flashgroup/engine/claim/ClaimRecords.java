package dev.flashgroup.engine.claim;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Claims as MySQL holds them (table {@code claims}, V17), read the one way every caller reads them. */
@Component
class ClaimRecords {

  private static final String COLUMNS = "id, order_id, activity_id, merchant_id, buyer_id, reason, amount,"
      + " approved_amount, paid_total, note, photo_urls, status, auto_approved, rejection, decided_by, filed_at,"
      + " decided_at, refunded_at";
  /** Photo URLs are stored one a line: a checked URL never holds a line break. */
  static final String PHOTO_SEPARATOR = "\n";

  private final DatabaseClient db;

  ClaimRecords(DatabaseClient db) {
    this.db = db;
  }

  Mono<Claim> find(long id) {
    return db.sql("SELECT " + COLUMNS + " FROM claims WHERE id = :id").bind("id", id).map(ClaimRecords::claim).one();
  }

  /** Newest first, ids below {@code before} (0: from the newest); a merchant's own, or everyone's for null. */
  Flux<Claim> page(String merchantOrNull, ClaimStatus statusOrNull, long before, int limit) {
    String sql = "SELECT " + COLUMNS + " FROM claims WHERE 1 = 1"
        + (merchantOrNull == null ? "" : " AND merchant_id = :merchant")
        + (statusOrNull == null ? "" : " AND status = :status")
        + (before > 0 ? " AND id < :before" : "")
        + " ORDER BY id DESC LIMIT " + limit;
    var spec = db.sql(sql);
    if (merchantOrNull != null) {
      spec = spec.bind("merchant", merchantOrNull);
    }
    if (statusOrNull != null) {
      spec = spec.bind("status", statusOrNull.name());
    }
    if (before > 0) {
      spec = spec.bind("before", before);
    }
    return spec.map(ClaimRecords::claim).all();
  }

  Flux<Claim> ofOrder(String orderId) {
    return db.sql("SELECT " + COLUMNS + " FROM claims WHERE order_id = :order ORDER BY id").bind("order", orderId)
        .map(ClaimRecords::claim).all();
  }

  /** An approved claim whose refund was sent {@code attempts} times and is not confirmed. */
  record DueRefund(Claim claim, int attempts) {}

  /** Approved claims whose refund is due to be sent (again): not confirmed by {@code refund_due_at}. */
  Flux<DueRefund> refundsDue(Instant now, int limit) {
    return db.sql("SELECT " + COLUMNS + ", refund_attempts FROM claims WHERE status = 'APPROVED'"
            + " AND refund_due_at <= :now ORDER BY refund_due_at LIMIT " + limit)
        .bind("now", utc(now)).map(row -> new DueRefund(claim(row), row.get("refund_attempts", Integer.class))).all();
  }

  private static Claim claim(Readable row) {
    String photos = row.get("photo_urls", String.class);
    return new Claim(row.get("id", Long.class), row.get("order_id", String.class), row.get("activity_id", Long.class),
        row.get("merchant_id", String.class), row.get("buyer_id", String.class),
        ClaimReason.valueOf(row.get("reason", String.class)), row.get("amount", Long.class),
        row.get("approved_amount", Long.class), row.get("paid_total", Long.class), row.get("note", String.class),
        photos == null || photos.isEmpty() ? List.of() : Arrays.asList(photos.split(PHOTO_SEPARATOR)),
        ClaimStatus.valueOf(row.get("status", String.class)), Boolean.TRUE.equals(row.get("auto_approved", Boolean.class)),
        row.get("rejection", String.class), row.get("decided_by", String.class),
        instant(row.get("filed_at", LocalDateTime.class)), instant(row.get("decided_at", LocalDateTime.class)),
        instant(row.get("refunded_at", LocalDateTime.class)));
  }
}
