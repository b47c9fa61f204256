package dev.flashgroup.engine.activity;

/**
 * How groups of an activity form. STANDARD: a group of {@code groupSize} succeeds when every member
 * paid. TIERED: a group takes members up to its largest tier and settles at its deadline at the
 * price of the highest tier its paid members reached. FLASH: buyers are matched into groups
 * ({@code match}) instead of opening their own.
 */
public enum Mode {
  STANDARD, TIERED, FLASH
}
