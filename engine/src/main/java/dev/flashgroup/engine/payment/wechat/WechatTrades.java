package dev.flashgroup.engine.payment.wechat;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The prepays the adapter created, one per order: PREPAID until paid or closed. */
@Component
class WechatTrades {

  static final String PREPAID = "PREPAID";
  static final String PAID = "PAID";
  static final String CLOSED = "CLOSED";

  record Prepay(String orderId, String outTradeNo, String prepayId, long amount, Instant payBy, String status) {}

  private static final String SELECT = "SELECT order_id, out_trade_no, prepay_id, amount, pay_by, status FROM wechat_payments ";

  private final DatabaseClient db;

  WechatTrades(DatabaseClient db) {
    this.db = db;
  }

  Mono<Prepay> find(String orderId) {
    return db.sql(SELECT + "WHERE order_id = :order").bind("order", orderId).map(WechatTrades::prepay).one();
  }

  Mono<Void> prepaid(Prepay prepay, Instant now, Instant checkAt) {
    return db.sql("INSERT INTO wechat_payments (order_id, out_trade_no, prepay_id, amount, pay_by, status, check_at,"
            + " created_at, updated_at) VALUES (:order, :trade, :prepay, :amount, :payBy, 'PREPAID', :checkAt, :now, :now)"
            + " ON DUPLICATE KEY UPDATE prepay_id = IF(status = 'PREPAID', VALUES(prepay_id), prepay_id),"
            + " updated_at = VALUES(updated_at)")
        .bind("order", prepay.orderId())
        .bind("trade", prepay.outTradeNo())
        .bind("prepay", prepay.prepayId())
        .bind("amount", prepay.amount())
        .bind("payBy", utc(prepay.payBy()))
        .bind("checkAt", utc(checkAt))
        .bind("now", utc(now))
        .then();
  }

  /** PREPAID rows whose notification is overdue or whose order is past its payment deadline. */
  Flux<Prepay> due(Instant now, int limit) {
    return db.sql(SELECT + "WHERE status = 'PREPAID' AND check_at <= :now ORDER BY check_at LIMIT " + limit)
        .bind("now", utc(now)).map(WechatTrades::prepay).all();
  }

  Mono<Void> settled(String orderId, String status, String transactionId, Instant now) {
    return db.sql("UPDATE wechat_payments SET status = :status, transaction_id = COALESCE(:tx, transaction_id),"
            + " updated_at = :now WHERE order_id = :order AND status = 'PREPAID'")
        .bind("status", status)
        .bind("tx", Parameter.fromOrEmpty(transactionId, String.class))
        .bind("now", utc(now))
        .bind("order", orderId)
        .then();
  }

  Mono<Void> checkAgainAt(String orderId, Instant at) {
    return db.sql("UPDATE wechat_payments SET check_at = :at WHERE order_id = :order")
        .bind("at", utc(at)).bind("order", orderId).then();
  }

  private static Prepay prepay(Readable row) {
    return new Prepay(row.get("order_id", String.class), row.get("out_trade_no", String.class),
        row.get("prepay_id", String.class), row.get("amount", Long.class),
        instant(row.get("pay_by", LocalDateTime.class)), row.get("status", String.class));
  }
}
