package dev.flashgroup.engine.payment;

import static dev.flashgroup.engine.kernel.SqlTime.instant;

import java.time.Instant;
import java.time.LocalDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;

/** Refunds that WeChat Pay could not complete or that kept failing: they need a person. */
@Service
public class AbnormalRefunds {

  public record AbnormalRefund(String refundNo, String orderId, long activityId, long amount, int attempts,
      String lastError, Instant since) {}

  private final DatabaseClient db;

  AbnormalRefunds(DatabaseClient db) {
    this.db = db;
  }

  /** Every abnormal refund (admins), or those of one merchant's activities when {@code merchantId} is set. */
  public Flux<AbnormalRefund> list(String merchantId) {
    String sql = "SELECT r.refund_no, r.order_id, r.activity_id, r.amount, r.attempts, r.last_error, r.updated_at"
        + " FROM wechat_refunds r" + (merchantId == null ? "" : " JOIN activities a ON a.id = r.activity_id")
        + " WHERE r.status = 'ABNORMAL'" + (merchantId == null ? "" : " AND a.merchant_id = :merchant")
        + " ORDER BY r.updated_at DESC LIMIT 500";
    var spec = db.sql(sql);
    if (merchantId != null) {
      spec = spec.bind("merchant", merchantId);
    }
    return spec.map(row -> new AbnormalRefund(row.get("refund_no", String.class), row.get("order_id", String.class),
        row.get("activity_id", Long.class), row.get("amount", Long.class), row.get("attempts", Integer.class),
        row.get("last_error", String.class), instant(row.get("updated_at", LocalDateTime.class)))).all();
  }
}
