package dev.flashgroup.engine.buyer;

/** What a mini-program login led to. */
public sealed interface LoginOutcome {

  record SignedIn(Buyer buyer) implements LoginOutcome {}

  /** WeChat did not accept the code: unknown, expired or used before. */
  record BadCode(int errorCode, String reason) implements LoginOutcome {}

  /** Login through WeChat is not configured on this instance. */
  record Unavailable() implements LoginOutcome {}
}
