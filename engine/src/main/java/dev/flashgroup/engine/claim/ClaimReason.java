package dev.flashgroup.engine.claim;

/** What went wrong with a picked-up order, as the buyer says (mostly fresh produce). */
public enum ClaimReason {
  SPOILED, MISSING, DAMAGED, WRONG_ITEM, OTHER
}
