package dev.flashgroup.engine.alert;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.order.ActivityMerchants;
import dev.flashgroup.engine.order.LedgerFollower;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.order.event.StockLow;
import java.time.Clock;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Records each StockLow event in {@code stock_alerts} and, when the activity's merchant has a
 * webhook, queues its delivery in the {@code webhook_deliveries} outbox, both in the order ledger's
 * transaction (a {@link LedgerFollower}): the alert and its delivery commit together or not at all.
 * Both rows are keyed by the event's alert id, so a duplicate delivery of the event writes nothing.
 */
@Component
class AlertProjection implements LedgerFollower {

  private final DatabaseClient db;
  private final Clock clock;
  private final ActivityMerchants merchants;

  AlertProjection(DatabaseClient db, Clock clock, ActivityMerchants merchants) {
    this.db = db;
    this.merchants = merchants;
    this.clock = clock;
  }

  @Override
  public Mono<Void> follow(OrderEvent event) {
    return event instanceof StockLow low ? record(low) : Mono.empty();
  }

  private Mono<Void> record(StockLow low) {
    // The merchant is copied from the activity, so the merchant's listing reads one index; the ledger
    // looked it up before its transaction (no read of the activity row in here: it would lock it).
    String merchant = merchants.of(low.activityId().value());
    if (merchant == null) {
      return Mono.empty(); // An activity unknown to MySQL: nobody to alert.
    }
    Mono<Void> alert = db.sql("INSERT INTO stock_alerts (id, activity_id, merchant_id, point_id, order_id, remaining,"
            + " safety_stock, alerted_at) VALUES (:id, :activity, :merchant, :point, :order, :remaining, :safety, :at)"
            + " ON DUPLICATE KEY UPDATE stock_alerts.id = stock_alerts.id")
        .bind("id", low.alertId())
        .bind("merchant", merchant)
        .bind("point", Parameter.fromOrEmpty(low.pointId(), Long.class))
        .bind("order", low.orderId())
        .bind("remaining", low.remaining())
        .bind("safety", low.safetyStock())
        .bind("at", utc(Instant.ofEpochMilli(low.at())))
        .bind("activity", low.activityId().value())
        .then();
    Mono<Void> delivery = db.sql("INSERT INTO webhook_deliveries (alert_id, merchant_id, status, attempts, due_at,"
            + " created_at) SELECT :id, w.merchant_id, 'PENDING', 0, :now, :now FROM merchant_webhooks w"
            + " WHERE w.merchant_id = :merchant"
            + " ON DUPLICATE KEY UPDATE webhook_deliveries.alert_id = webhook_deliveries.alert_id")
        .bind("id", low.alertId())
        .bind("now", utc(clock.instant()))
        .bind("merchant", merchant)
        .then();
    return alert.then(delivery);
  }
}
