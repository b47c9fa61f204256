package dev.flashgroup.engine.analytics;

import java.time.LocalDate;
import java.util.Comparator;

/** A row of {@code sales_daily}: a day, an activity, a pickup point (0: none), a leader ("": none). */
record SalesKey(LocalDate day, long activityId, long pointId, String leaderId) {

  /** The primary key's order: concurrent batches lock the rows they add to alike. */
  static final Comparator<SalesKey> ORDER = Comparator.comparing(SalesKey::day).thenComparingLong(SalesKey::activityId)
      .thenComparingLong(SalesKey::pointId).thenComparing(SalesKey::leaderId);
}
