package dev.flashgroup.engine.analytics;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/** Days of the analytics' zone, both included, at most {@link #MAX_DAYS} of them. */
public record Period(LocalDate from, LocalDate to) {

  public static final int MAX_DAYS = 366;
  /** The period when none is asked for: the last seven days. */
  public static final int DEFAULT_DAYS = 7;

  public Period {
    if (from.isAfter(to) || ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
      throw new IllegalArgumentException("from must be on or before to, at most " + MAX_DAYS + " days before it");
    }
  }
}
