package dev.flashgroup.engine.pickup;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.order.CollectableOrders;
import io.r2dbc.spi.Readable;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.regex.Pattern;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pickup codes: one per collectable order, {@link #DIGITS} decimal digits drawn from
 * {@link SecureRandom} (10^16 codes, 53 bits), unique among its point's codes. MySQL is the record
 * ({@code pickup_codes}); issuing is idempotent (an order keeps its first code), so the projector
 * may issue on every delivery of an event and the pickup view may issue when the projection lags.
 */
@Service
public class PickupCodes implements CollectableOrders {

  /** Digits of a code this issues: read aloud in four groups of four. */
  public static final int DIGITS = 16;
  /** What verification accepts as a code at all: 13 to 20 digits. */
  public static final Pattern FORMAT = Pattern.compile("[0-9]{13,20}");
  /** Collisions with the point's other codes tried again before giving up (one in 10^16 each). */
  static final int ATTEMPTS = 5;
  private static final long BOUND = 10_000_000_000_000_000L;
  private static final String COLUMNS = "order_id, activity_id, point_id, code, issued_at";

  /** A code as issued. */
  public record Issued(String orderId, long activityId, long pointId, String code, Instant issuedAt) {}

  private final DatabaseClient db;
  private final Clock clock;
  private final SecureRandom random;

  PickupCodes(DatabaseClient db, Clock clock) throws NoSuchAlgorithmException {
    this.db = db;
    this.clock = clock;
    // DRBG seeds itself once, here on the starting thread; the platform default (NativePRNG) would
    // read /dev/urandom on every draw, a blocking file read on whatever event loop issues a code.
    this.random = SecureRandom.getInstance("DRBG");
    this.random.nextLong();
  }

  /** The ledger's news that an order became collectable: its code is issued (in the ledger's transaction). */
  @Override
  public Mono<Void> becameCollectable(String orderId, long activityId, long pointId) {
    return issue(orderId, activityId, pointId).then();
  }

  /**
   * The order's code, issued now unless it has one. Runs in the caller's transaction when there is
   * one (the projector's). A new code that collides with another order's at the point leaves that
   * row as it was ({@code ON DUPLICATE KEY} on either key changes nothing) and is drawn again.
   */
  public Mono<Issued> issue(String orderId, long activityId, long pointId) {
    return find(orderId).switchIfEmpty(Mono.defer(() -> insert(orderId, activityId, pointId, 1)));
  }

  private Mono<Issued> insert(String orderId, long activityId, long pointId, int attempt) {
    if (attempt > ATTEMPTS) {
      return Mono.error(new IllegalStateException("no free pickup code for order " + orderId + " after " + ATTEMPTS
          + " draws"));
    }
    return db.sql("INSERT INTO pickup_codes (order_id, activity_id, point_id, code, issued_at) VALUES (:order,"
            + " :activity, :point, :code, :at) ON DUPLICATE KEY UPDATE order_id = order_id")
        .bind("order", orderId).bind("activity", activityId).bind("point", pointId).bind("code", draw())
        .bind("at", utc(clock.instant()))
        .then()
        .then(latest(orderId))
        .switchIfEmpty(Mono.defer(() -> insert(orderId, activityId, pointId, attempt + 1)));
  }

  /**
   * The order's code as last committed. A locking read: inside the projector's REPEATABLE READ
   * transaction a plain SELECT would still see the snapshot from before a code that
   * {@code GET /orders/{id}/pickup} committed meanwhile, and draw again for nothing.
   */
  private Mono<Issued> latest(String orderId) {
    return db.sql("SELECT " + COLUMNS + " FROM pickup_codes WHERE order_id = :order FOR UPDATE")
        .bind("order", orderId).map(PickupCodes::issued)
        .one();
  }

  /** A fresh code: uniform over every {@link #DIGITS}-digit string, leading zeros included. */
  String draw() {
    return String.format("%0" + DIGITS + "d", random.nextLong(BOUND));
  }

  public Mono<Issued> find(String orderId) {
    return db.sql("SELECT " + COLUMNS + " FROM pickup_codes WHERE order_id = :order")
        .bind("order", orderId).map(PickupCodes::issued)
        .one();
  }

  private static Issued issued(Readable row) {
    return new Issued(row.get("order_id", String.class), row.get("activity_id", Long.class),
        row.get("point_id", Long.class), row.get("code", String.class),
        instant(row.get("issued_at", LocalDateTime.class)));
  }

  /** Every order holding this code, at any point (codes are unique per point only); at most a few. */
  public Flux<Issued> holders(String code) {
    return db.sql("SELECT " + COLUMNS + " FROM pickup_codes WHERE code = :code LIMIT 10")
        .bind("code", code).map(PickupCodes::issued)
        .all();
  }
}
