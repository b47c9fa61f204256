package dev.flashgroup.engine.pickup;

import java.time.Duration;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;

/** What the sandbox notification channel recorded, for tests that count reminders sent. */
final class SentReminders {

  private SentReminders() {}

  /** One line per reminder sent for these orders: {@code <order> <recipient>:<window>:<kind>}. */
  static List<String> of(DatabaseClient db, List<String> orderIds) {
    return db.sql("SELECT order_id, recipient, window_no, kind FROM sandbox_notifications WHERE order_id IN (:ids)")
        .bind("ids", orderIds)
        .map(r -> r.get("order_id", String.class) + " " + r.get("recipient", String.class) + ":"
            + r.get("window_no", Integer.class) + ":" + r.get("kind", String.class))
        .all().collectList().block(Duration.ofSeconds(30));
  }
}
