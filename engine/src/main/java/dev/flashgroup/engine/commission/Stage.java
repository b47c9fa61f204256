package dev.flashgroup.engine.commission;

/** Where an order's commission stands: paid, then picked up, then past the after-sales window. */
public enum Stage {
  EXPECTED, EARNED, SETTLED
}
