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

  /**
   * Claims up to {@code limit} due deliveries for {@code owner} until {@code leaseUntil}, and reads
   * them: the earliest due first, but no more than {@code perMerchant} of a merchant in flight
   * (claimed and leased, by any round), so one merchant with a dead receiver and hundreds of alerts
   * holds {@code perMerchant} send places, never all. The candidates are read first (a plain read:
   * ROW_NUMBER per merchant, portable MySQL 8 / MariaDB 10.11); the UPDATE checks each again, so of
   * two instances racing for a row one claims it. The two may together put up to twice
   * {@code perMerchant} of a merchant in flight.
   */
  Flux<Claimed> claim(String owner, Instant now, Instant leaseUntil, int limit, int perMerchant) {
    Mono<Long> claimed = db.sql("SELECT alert_id FROM (SELECT p.alert_id, p.due_at,"
            + " ROW_NUMBER() OVER (PARTITION BY p.merchant_id ORDER BY p.due_at, p.alert_id) AS n,"
            + " COALESCE(l.leased, 0) AS leased FROM webhook_deliveries p"
            + " LEFT JOIN (SELECT merchant_id, COUNT(*) AS leased FROM webhook_deliveries"
            + " WHERE status = 'PENDING' AND lease_until > :now GROUP BY merchant_id) l ON l.merchant_id = p.merchant_id"
            + " WHERE p.status = 'PENDING' AND p.due_at <= :now AND (p.lease_until IS NULL OR p.lease_until <= :now)) ranked"
            + " WHERE n + leased <= :per ORDER BY due_at, alert_id LIMIT :limit")
        .bind("now", utc(now))
        .bind("per", perMerchant)
        .bind("limit", limit)
        .map(row -> row.get("alert_id", String.class))
        .all().collectList()
        .flatMap(ids -> ids.isEmpty() ? Mono.just(0L)
            : db.sql("UPDATE webhook_deliveries SET lease_owner = :owner, lease_until = :until"
                    + " WHERE alert_id IN (:ids) AND status = 'PENDING' AND (lease_until IS NULL OR lease_until <= :now)")
                .bind("owner", owner)
                .bind("until", utc(leaseUntil))
                .bind("now", utc(now))
                .bind("ids", ids)
                .fetch().rowsUpdated());
    return claimed
        .flatMapMany(n -> n == 0 ? Flux.empty() : db.sql("SELECT d.attempts, w.url, w.secret, s.id,"
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
