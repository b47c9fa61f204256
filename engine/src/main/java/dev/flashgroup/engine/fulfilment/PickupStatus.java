package dev.flashgroup.engine.fulfilment;

/**
 * Where a collectable order stands for its buyer: WAITING before its window, READY in it,
 * PICKED_UP once handed out, ROLLED_OVER (moved to a later window) and OVERDUE (past its last
 * window, for a person to handle) once pickup windows roll over.
 */
public enum PickupStatus {
  WAITING, READY, PICKED_UP, OVERDUE, ROLLED_OVER
}
