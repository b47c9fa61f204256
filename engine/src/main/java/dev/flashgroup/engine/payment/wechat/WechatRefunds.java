package dev.flashgroup.engine.payment.wechat;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.payment.PaymentGateway.RefundOrder;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The refunds the adapter asked WeChat Pay for: PENDING (not accepted yet) -> PROCESSING ->
 * SUCCESS or ABNORMAL. A settled refund never moves back.
 */
@Component
class WechatRefunds {

  static final String PENDING = "PENDING";
  static final String PROCESSING = "PROCESSING";
  static final String SUCCESS = "SUCCESS";
  static final String ABNORMAL = "ABNORMAL";

  record Tracked(String refundNo, String orderId, long amount, long total, String status, int attempts) {

    RefundOrder order() {
      return new RefundOrder(refundNo, orderId, amount, total);
    }

    boolean settled() {
      return SUCCESS.equals(status) || ABNORMAL.equals(status);
    }
  }

  private static final String SELECT = "SELECT refund_no, order_id, amount, total, status, attempts FROM wechat_refunds ";

  private final DatabaseClient db;

  WechatRefunds(DatabaseClient db) {
    this.db = db;
  }

  /**
   * Starts tracking a refund (a repeat of the same refund number changes nothing) and returns its
   * row. The reconciler leaves it alone until {@code checkAt}: the caller is sending it now.
   */
  Mono<Tracked> track(RefundOrder refund, long activityId, Instant now, Instant checkAt) {
    return db.sql("INSERT IGNORE INTO wechat_refunds (refund_no, order_id, activity_id, amount, total, status, attempts,"
            + " check_at, created_at, updated_at) VALUES (:no, :order, :activity, :amount, :total, 'PENDING', 0, :checkAt,"
            + " :now, :now)")
        .bind("no", refund.refundNo())
        .bind("order", refund.orderId())
        .bind("activity", activityId)
        .bind("amount", refund.amount())
        .bind("total", refund.total())
        .bind("now", utc(now))
        .bind("checkAt", utc(checkAt))
        .then()
        .then(find(refund.refundNo()));
  }

  Mono<Tracked> find(String refundNo) {
    return db.sql(SELECT + "WHERE refund_no = :no").bind("no", refundNo).map(WechatRefunds::tracked).one();
  }

  Flux<Tracked> due(Instant now, int limit) {
    return db.sql(SELECT + "WHERE status IN ('PENDING', 'PROCESSING') AND check_at <= :now ORDER BY check_at LIMIT " + limit)
        .bind("now", utc(now)).map(WechatRefunds::tracked).all();
  }

  /** WeChat Pay's word on a refund: PROCESSING, SUCCESS or ABNORMAL (CLOSED counts as ABNORMAL). */
  Mono<Void> reported(String refundNo, String status, String refundId, String error, Instant now, Instant checkAt) {
    return db.sql("UPDATE wechat_refunds SET status = :status, refund_id = COALESCE(:refundId, refund_id),"
            + " last_error = COALESCE(:error, last_error), check_at = :checkAt, updated_at = :now"
            + " WHERE refund_no = :no AND status <> 'SUCCESS'")
        .bind("status", status)
        .bind("refundId", Parameter.fromOrEmpty(refundId, String.class))
        .bind("error", Parameter.fromOrEmpty(error, String.class))
        .bind("checkAt", utc(checkAt))
        .bind("now", utc(now))
        .bind("no", refundNo)
        .then();
  }

  /**
   * A call that failed: tried again after {@code checkAt}, or given up as ABNORMAL once the
   * recorded attempts (counted in the row, so concurrent senders agree) reach {@code maxAttempts}.
   */
  Mono<Void> failed(String refundNo, String error, int maxAttempts, Instant now, Instant checkAt) {
    return db.sql("UPDATE wechat_refunds SET last_error = :error, check_at = :checkAt,"
            + " status = IF(attempts >= :max, 'ABNORMAL', status), updated_at = :now"
            + " WHERE refund_no = :no AND status IN ('PENDING', 'PROCESSING')")
        .bind("error", error.length() > 255 ? error.substring(0, 255) : error)
        .bind("checkAt", utc(checkAt))
        .bind("max", maxAttempts)
        .bind("now", utc(now))
        .bind("no", refundNo)
        .then();
  }

  Mono<Void> checkAgainAt(String refundNo, Instant at) {
    return db.sql("UPDATE wechat_refunds SET check_at = :at WHERE refund_no = :no").bind("at", utc(at)).bind("no", refundNo)
        .then();
  }

  Mono<Void> attempted(String refundNo) {
    return db.sql("UPDATE wechat_refunds SET attempts = attempts + 1 WHERE refund_no = :no").bind("no", refundNo).then();
  }

  private static Tracked tracked(Readable row) {
    return new Tracked(row.get("refund_no", String.class), row.get("order_id", String.class),
        row.get("amount", Long.class), row.get("total", Long.class), row.get("status", String.class),
        row.get("attempts", Integer.class));
  }
}
