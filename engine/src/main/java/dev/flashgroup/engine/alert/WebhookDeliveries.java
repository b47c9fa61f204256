package dev.flashgroup.engine.alert;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The outbox of webhook deliveries in MySQL ({@code webhook_deliveries}). A sender claims due rows
 * with a lease in one UPDATE (MySQL locks the rows it changes, so two instances never claim the
 * same row), reads what it claimed, and records each outcome only while it still holds the lease.
 */
@Component
class WebhookDeliveries {

  /** A claimed delivery: the alert, where it goes, the secret to sign with, and how often it was sent. */
  record Claimed(StockAlert alert, String url, String secret, int attempts) {}

  private final DatabaseClient db;

  WebhookDeliveries(DatabaseClient db) {
    this.db = db;
  }

  /** Claims up to {@code limit} due deliveries for {@code owner} until {@code leaseUntil}, and reads them. */
  Flux<Claimed> claim(String owner, Instant now, Instant leaseUntil, int limit) {
    return db.sql("UPDATE webhook_deliveries SET lease_owner = :owner, lease_until = :until"
            + " WHERE status = 'PENDING' AND due_at <= :now AND (lease_until IS NULL OR lease_until <= :now)"
            + " ORDER BY due_at LIMIT " + limit)
        .bind("owner", owner)
        .bind("until", utc(leaseUntil))
        .bind("now", utc(now))
        .fetch().rowsUpdated()
        .flatMapMany(claimed -> claimed == 0 ? Flux.empty() : db.sql("SELECT d.attempts, w.url, w.secret, s.id,"
                + " s.activity_id, s.point_id, s.order_id, s.remaining, s.safety_stock, s.alerted_at"
                + " FROM webhook_deliveries d JOIN stock_alerts s ON s.id = d.alert_id"
                + " LEFT JOIN merchant_webhooks w ON w.merchant_id = d.merchant_id"
                + " WHERE d.lease_owner = :owner AND d.status = 'PENDING' ORDER BY d.due_at")
            .bind("owner", owner)
            .map(row -> new Claimed(StockAlerts.alert(row), row.get("url", String.class),
                row.get("secret", String.class), row.get("attempts", Integer.class)))
            .all());
  }

  Mono<Void> delivered(String alertId, String owner, Instant now) {
    return db.sql("UPDATE webhook_deliveries SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = :now,"
            + " lease_owner = NULL, lease_until = NULL, last_error = NULL WHERE alert_id = :id AND lease_owner = :owner")
        .bind("now", utc(now))
        .bind("id", alertId)
        .bind("owner", owner)
        .then();
  }

  /** A failed send: due again at {@code nextDue}, or FAILED for good when {@code nextDue} is null. */
  Mono<Void> failed(String alertId, String owner, String error, Instant nextDue) {
    String why = error.length() > 200 ? error.substring(0, 200) : error;
    var spec = db.sql("UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1,"
            + " due_at = COALESCE(:due, due_at), lease_owner = NULL, lease_until = NULL, last_error = :error"
            + " WHERE alert_id = :id AND lease_owner = :owner")
        .bind("status", nextDue == null ? "FAILED" : "PENDING")
        .bind("error", why)
        .bind("id", alertId)
        .bind("owner", owner);
    spec = nextDue == null ? spec.bindNull("due", java.time.LocalDateTime.class) : spec.bind("due", utc(nextDue));
    return spec.then();
  }
}
