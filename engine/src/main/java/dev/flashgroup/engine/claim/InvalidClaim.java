package dev.flashgroup.engine.claim;

import java.util.List;

/** A claim, approval or rejection with bad fields; carries every violation, not just the first. */
public class InvalidClaim extends RuntimeException {

  /** One bad field and what is wrong with it. */
  public record Violation(String field, String message) {}

  private final List<Violation> violations;

  public InvalidClaim(List<Violation> violations) {
    super("invalid claim: " + violations);
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
