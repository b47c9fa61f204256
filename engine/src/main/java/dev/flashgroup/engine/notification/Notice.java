package dev.flashgroup.engine.notification;

import java.time.Instant;

/**
 * A pickup reminder for one recipient (a buyer's or a staff member's subject): which order, where,
 * which window ({@code window} is its 0-based roll-over number) and why now.
 */
public record Notice(String recipient, String orderId, long pointId, Kind kind, int window, Instant from,
    Instant to, boolean perishable) {

  /** At the window's start, or an hour before its end. */
  public enum Kind { WINDOW_START, WINDOW_ENDING }
}
