package dev.flashgroup.engine.kernel;

import io.r2dbc.spi.R2dbcException;

/**
 * A transaction the database rolled back because it met another one's row locks: a deadlock
 * (MySQL and MariaDB error 1213) or a lock wait that timed out (1205). Nothing of it was written,
 * and the same transaction tried again a moment later normally goes through, so it is worth
 * repeating as a whole rather than treating as a failure of what it wrote.
 */
public final class LockConflict {

  private static final int DEADLOCK = 1213;
  private static final int LOCK_WAIT_TIMEOUT = 1205;

  private LockConflict() {}

  /** Whether {@code e} (or one of its causes: Spring wraps the driver's exception) is a lock conflict. */
  public static boolean is(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof R2dbcException r2dbc
          && (r2dbc.getErrorCode() == DEADLOCK || r2dbc.getErrorCode() == LOCK_WAIT_TIMEOUT)) {
        return true;
      }
    }
    return false;
  }
}
