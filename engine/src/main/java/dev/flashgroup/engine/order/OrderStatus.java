package dev.flashgroup.engine.order;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * RESERVED → PAID → SUCCEEDED → PICKED_UP (handed out at its pickup point); RESERVED → EXPIRED;
 * PAID → REFUNDING → REFUNDED; SUCCEEDED → OVERDUE (not collected in its last pickup window).
 */
public enum OrderStatus {
  RESERVED, PAID, SUCCEEDED, EXPIRED, REFUNDING, REFUNDED, PICKED_UP, OVERDUE;

  private static final Set<String> SOLD = EnumSet.of(PAID, SUCCEEDED, PICKED_UP, OVERDUE).stream()
      .map(Enum::name).collect(Collectors.toUnmodifiableSet());

  /**
   * Whether an order in {@code status} (the column's text) counts as a sale: paid and not refunded
   * in full, as the leaders' dashboard and the daily sales count GMV.
   */
  public static boolean isSold(String status) {
    return SOLD.contains(status);
  }
}
