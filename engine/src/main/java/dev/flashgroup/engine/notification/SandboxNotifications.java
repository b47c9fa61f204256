package dev.flashgroup.engine.notification;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Records every notice in MySQL ({@code sandbox_notifications}) instead of sending it: for
 * scripts/run, demos and tests. It has no unique key, so a notice sent twice shows twice.
 */
@Component
@ConditionalOnProperty(name = "flashgroup.notifications.channel", havingValue = "sandbox", matchIfMissing = true)
public class SandboxNotifications implements Notifications {

  private final DatabaseClient db;
  private final Clock clock;

  SandboxNotifications(DatabaseClient db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Mono<Delivery> send(Notice n) {
    return db.sql("INSERT INTO sandbox_notifications (recipient, order_id, point_id, kind, window_no, window_from,"
            + " window_to, sent_at) VALUES (:recipient, :order, :point, :kind, :window, :from, :to, :now)")
        .bind("recipient", n.recipient())
        .bind("order", n.orderId())
        .bind("point", n.pointId())
        .bind("kind", n.kind().name())
        .bind("window", n.window())
        .bind("from", utc(n.from()))
        .bind("to", utc(n.to()))
        .bind("now", utc(clock.instant()))
        .then()
        .thenReturn(Delivery.SENT);
  }

  /** What was recorded for an order, as {@code recipient:window:kind}, oldest first. */
  public Flux<String> sentFor(String orderId) {
    return db.sql("SELECT recipient, window_no, kind FROM sandbox_notifications WHERE order_id = :order ORDER BY id")
        .bind("order", orderId)
        .map(row -> row.get("recipient", String.class) + ":" + row.get("window_no", Integer.class) + ":"
            + row.get("kind", String.class))
        .all();
  }
}
