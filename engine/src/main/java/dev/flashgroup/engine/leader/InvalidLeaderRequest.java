package dev.flashgroup.engine.leader;

import java.util.List;

/** An application, decision or suspension with bad fields; carries every violation, not just the first. */
public class InvalidLeaderRequest extends RuntimeException {

  /** One bad field and what is wrong with it. */
  public record Violation(String field, String message) {}

  private final List<Violation> violations;

  public InvalidLeaderRequest(List<Violation> violations) {
    super("invalid leader request: " + violations);
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
