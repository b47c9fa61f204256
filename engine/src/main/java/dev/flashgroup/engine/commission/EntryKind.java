package dev.flashgroup.engine.commission;

/**
 * What a ledger entry records. EXPECTED (the order was paid), ADJUSTED (a tiered group settled
 * lower: commission on the final price) and REVERSED (a refund, or an admin) change the order's
 * commission; EARNED (picked up) and SETTLED (after-sales window over) move it on, their amount
 * being the commission moved.
 */
public enum EntryKind {
  EXPECTED, ADJUSTED, EARNED, SETTLED, REVERSED;

  /** Whether the entry changes the order's commission (rather than moving it to the next stage). */
  public boolean changesCommission() {
    return this == EXPECTED || this == ADJUSTED || this == REVERSED;
  }
}
