package dev.flashgroup.engine.support;

import dev.flashgroup.engine.activity.Activity;
import java.time.Duration;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;

/** What MySQL's orders table holds for an activity; for tests that count what the workers wrote. */
public final class OrderRows {

  private static final Duration CALL = Duration.ofSeconds(30);

  private OrderRows() {}

  public static List<String> ids(DatabaseClient db, Activity activity) {
    return db.sql("SELECT id FROM orders WHERE activity_id = :a").bind("a", activity.id().value())
        .map(r -> r.get("id", String.class)).all().collectList().block(CALL);
  }

  public static long count(DatabaseClient db, Activity activity) {
    return number(db, "SELECT COUNT(*) AS n FROM orders WHERE activity_id = :a", activity);
  }

  public static long distinctIds(DatabaseClient db, Activity activity) {
    return number(db, "SELECT COUNT(DISTINCT id) AS n FROM orders WHERE activity_id = :a", activity);
  }

  private static long number(DatabaseClient db, String sql, Activity activity) {
    return db.sql(sql).bind("a", activity.id().value()).map(r -> r.get("n", Long.class)).one().block(CALL);
  }
}
