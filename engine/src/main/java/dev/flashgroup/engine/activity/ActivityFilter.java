package dev.flashgroup.engine.activity;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which of a merchant's activities to list: by status (null for any) and by a window their start
 * falls in (either end may be null), e.g. tonight's 8 p.m. line-up.
 */
public record ActivityFilter(Activity.Status status, Instant startsFrom, Instant startsBefore) {

  public static final ActivityFilter ALL = new ActivityFilter(null, null, null);

  void appendConditions(StringBuilder sql) {
    if (startsFrom != null) {
      sql.append(" AND starts_at >= :startsFrom");
    }
    if (startsBefore != null) {
      sql.append(" AND starts_at < :startsBefore");
    }
    if (status == null) {
      return;
    }
    switch (status) {
      case CANCELLED -> sql.append(" AND cancelled_at IS NOT NULL");
      case SCHEDULED -> sql.append(" AND cancelled_at IS NULL AND starts_at > :now");
      case RUNNING -> sql.append(" AND cancelled_at IS NULL AND starts_at <= :now AND ends_at > :now");
      case ENDED -> sql.append(" AND cancelled_at IS NULL AND ends_at <= :now");
      default -> throw new IllegalStateException("unknown status " + status);
    }
  }

  Map<String, Object> parameters(Instant now) {
    Map<String, Object> values = new LinkedHashMap<>();
    if (startsFrom != null) {
      values.put("startsFrom", utc(startsFrom));
    }
    if (startsBefore != null) {
      values.put("startsBefore", utc(startsBefore));
    }
    if (status != null && status != Activity.Status.CANCELLED) {
      values.put("now", utc(now));
    }
    return values;
  }
}
