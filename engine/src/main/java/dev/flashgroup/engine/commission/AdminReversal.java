package dev.flashgroup.engine.commission;

/** What an admin's reversal of an order's commission came to. */
public sealed interface AdminReversal {

  /** The commission left on the order is taken back; {@code entry} records it (amount 0 when none was left). */
  record Reversed(LedgerEntry entry) implements AdminReversal {}

  /** An admin reversed it before. */
  record AlreadyReversed(LedgerEntry entry) implements AdminReversal {}

  /** The leader has no commission on that order. */
  record NoCommission() implements AdminReversal {}
}
