package dev.flashgroup.engine.pickup;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.notification.Notice;
import dev.flashgroup.engine.notification.Notifications;
import dev.flashgroup.engine.notification.Notifications.Delivery;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Sends one reminder to one recipient once: reserve, then send, then mark. The row
 * {@code pickup_reminders (order, window, kind, recipient)} is claimed with a conditional UPDATE
 * (one claimant wins, across instances and duplicate deliveries), sent, and marked SENT. Reserving
 * first, rather than sending and then recording, means two deliveries at once never both send; the
 * one edge left is a worker dying after the channel accepted and before it marked the row: once the
 * claim lapses ({@code flashgroup.pickup.reminder-claim}) the redelivered event sends again, so a
 * reminder goes out at least once and, short of that crash, exactly once.
 */
@Component
class ReminderDeliveries {

  private static final Logger log = LoggerFactory.getLogger(ReminderDeliveries.class);
  private static final String KEY = " WHERE order_id = :order AND window_no = :window AND kind = :kind"
      + " AND recipient = :recipient";

  /** Another worker holds the claim: retried with backoff until it finished or its claim lapsed. */
  static final class HeldElsewhere extends RuntimeException {
    HeldElsewhere(Notice n) {
      super("reminder " + n.orderId() + ":" + n.window() + ":" + n.kind() + " to " + n.recipient()
          + " is being sent by another worker");
    }
  }

  private final DatabaseClient db;
  private final Notifications notifications;
  private final PickupSettings settings;
  private final Clock clock;

  ReminderDeliveries(DatabaseClient db, Notifications notifications, PickupSettings settings, Clock clock) {
    this.db = db;
    this.notifications = notifications;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Completes once the reminder is SENT, UNREACHABLE or FAILED (after the last attempt); fails when
   * this attempt failed or another worker is sending it, so the caller retries.
   */
  Mono<Void> deliver(Notice n) {
    return record(n).then(claim(n)).flatMap(claimed -> claimed ? send(n) : settledOrHeld(n));
  }

  private Mono<Void> record(Notice n) {
    Instant now = clock.instant();
    return bind(db.sql("INSERT IGNORE INTO pickup_reminders (order_id, window_no, kind, recipient, point_id, status,"
            + " attempts, created_at, updated_at) VALUES (:order, :window, :kind, :recipient, :point, 'PENDING', 0,"
            + " :now, :now)"), n)
        .bind("point", n.pointId())
        .bind("now", utc(now))
        .then();
  }

  private Mono<Boolean> claim(Notice n) {
    Instant now = clock.instant();
    return bind(db.sql("UPDATE pickup_reminders SET status = 'SENDING', attempts = attempts + 1,"
            + " claimed_until = :until, updated_at = :now" + KEY
            + " AND (status = 'PENDING' OR (status = 'SENDING' AND claimed_until < :now))"), n)
        .bind("until", utc(now.plus(settings.reminderClaim())))
        .bind("now", utc(now))
        .fetch().rowsUpdated()
        .map(rows -> rows == 1);
  }

  private Mono<Void> settledOrHeld(Notice n) {
    return bind(db.sql("SELECT status FROM pickup_reminders" + KEY), n)
        .map(row -> row.get("status", String.class)).one()
        .flatMap(status -> "SENDING".equals(status) ? Mono.error(new HeldElsewhere(n)) : Mono.empty());
  }

  private Mono<Void> send(Notice n) {
    return notifications.send(n)
        .flatMap(delivery -> mark(n, delivery == Delivery.SENT ? "SENT" : "UNREACHABLE"))
        .onErrorResume(e -> !(e instanceof HeldElsewhere), e -> failed(n, e));
  }

  private Mono<Void> mark(Notice n, String status) {
    Instant now = clock.instant();
    return bind(db.sql("UPDATE pickup_reminders SET status = :status, sent_at = :now, claimed_until = NULL,"
            + " updated_at = :now" + KEY), n)
        .bind("status", status)
        .bind("now", utc(now))
        .then();
  }

  /** Gives the claim back for the retry, or gives up after the last attempt (FAILED, for a person). */
  private Mono<Void> failed(Notice n, Throwable e) {
    String error = String.valueOf(e.getMessage());
    return bind(db.sql("UPDATE pickup_reminders SET status = IF(attempts >= :max, 'FAILED', 'PENDING'),"
            + " claimed_until = NULL, last_error = :error, updated_at = :now" + KEY), n)
        .bind("max", settings.reminderAttempts())
        .bind("error", error.length() > 255 ? error.substring(0, 255) : error)
        .bind("now", utc(clock.instant()))
        .then()
        .then(bind(db.sql("SELECT status FROM pickup_reminders" + KEY), n).map(row -> row.get("status", String.class))
            .one())
        .flatMap(status -> {
          if ("FAILED".equals(status)) {
            log.warn("Reminder {}:{}:{} to {} failed {} times, giving up: {}", n.orderId(), n.window(), n.kind(),
                n.recipient(), settings.reminderAttempts(), error);
            return Mono.<Void>empty();
          }
          return Mono.error(e);
        });
  }

  private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, Notice n) {
    return spec.bind("order", n.orderId()).bind("window", n.window()).bind("kind", n.kind().name())
        .bind("recipient", n.recipient());
  }
}
