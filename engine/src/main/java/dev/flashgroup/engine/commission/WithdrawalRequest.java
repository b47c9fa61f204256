package dev.flashgroup.engine.commission;

/** What a leader's withdrawal request came to. */
public sealed interface WithdrawalRequest {

  record Accepted(Withdrawal withdrawal) implements WithdrawalRequest {}

  /** Less than {@code flashgroup.leaders.min-withdrawal}. */
  record BelowMinimum(long minimum) implements WithdrawalRequest {}

  /** More than the settled balance. */
  record InsufficientBalance(long balance) implements WithdrawalRequest {}

  /** The leader's previous withdrawal is still pending. */
  record AlreadyPending(Withdrawal pending) implements WithdrawalRequest {}

  /** The subject leads nobody. */
  record NotALeader() implements WithdrawalRequest {}
}
