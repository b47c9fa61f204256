package dev.flashgroup.api;

import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;

/** What the workers wrote to MySQL, read the way the tests check it. */
final class Rows {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private final DatabaseClient db;

  Rows(DatabaseClient db) {
    this.db = db;
  }

  String orderStatus(Object id) {
    return status("orders", id);
  }

  String groupStatus(Object id) {
    return status("purchase_groups", id);
  }

  /** The single number {@code sql} selects as {@code n}. */
  long count(String sql) {
    return db.sql(sql).map(r -> r.get("n", Long.class)).one().block(PATIENCE);
  }

  private String status(String table, Object id) {
    return db.sql("SELECT status FROM " + table + " WHERE id = :id").bind("id", id)
        .map(r -> r.get("status", String.class)).one().block(PATIENCE);
  }
}
