package dev.flashgroup.engine.commission;

/** What an admin's decision on a withdrawal came to. */
public sealed interface WithdrawalDecision {

  record Decided(Withdrawal withdrawal) implements WithdrawalDecision {}

  record AlreadyDecided(Withdrawal withdrawal) implements WithdrawalDecision {}

  record NoSuchWithdrawal() implements WithdrawalDecision {}

  /** The transfer's reference already marks another withdrawal paid (one transfer pays one withdrawal). */
  record TransferReferenceUsed(String transferReference) implements WithdrawalDecision {}
}
