package dev.flashgroup.engine.activity;

/** What became of a merchant's change to an activity. Refusals are expected outcomes, not exceptions. */
public sealed interface ActivityChange {

  /** The change is in MySQL and, when the activity is warm, in Redis. */
  record Changed(Activity activity) implements ActivityChange {}

  /** Stock was added; {@code remainingStock} is what is for sale now. */
  record Restocked(Activity activity, int remainingStock) implements ActivityChange {}

  record Refused(Reason reason) implements ActivityChange {}

  /** Why a change was turned down. The names are the stable codes the API shows. */
  enum Reason {
    /** Terms can only be edited before the start. */
    ACTIVITY_STARTED,
    ACTIVITY_CANCELLED,
    ACTIVITY_ENDED,
    /** The stock change's Idempotency-Key came before with other units. */
    IDEMPOTENCY_KEY_REUSED
  }
}
