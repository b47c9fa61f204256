package dev.flashgroup.engine.claim;

/** What a merchant's approval or rejection led to; only {@link Done} changed anything. */
public sealed interface ClaimDecision {

  /** Decided now: APPROVED (its refund sent) or REJECTED; the claim as it stands after. */
  record Done(Claim claim) implements ClaimDecision {}

  /** Decided before (by someone else, at the same moment, or automatically). */
  record AlreadyDecided(Claim claim) implements ClaimDecision {}

  /** The claim is on another merchant's order. */
  record NotYours() implements ClaimDecision {}

  record NoSuchClaim() implements ClaimDecision {}

  /** An approval may lower the amount, never raise it above what the buyer asked. */
  record AboveAsked(long asked) implements ClaimDecision {}
}
