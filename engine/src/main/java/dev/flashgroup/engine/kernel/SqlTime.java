package dev.flashgroup.engine.kernel;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** MySQL DATETIME has no zone; flashgroup always writes and reads it as UTC. */
public final class SqlTime {

  private SqlTime() {}

  public static LocalDateTime utc(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  public static Instant instant(LocalDateTime utc) {
    return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
  }
}
