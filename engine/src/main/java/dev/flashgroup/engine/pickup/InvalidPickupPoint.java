package dev.flashgroup.engine.pickup;

import java.util.List;

/** A point draft, search or staff binding with bad fields; carries every violation, not just the first. */
public class InvalidPickupPoint extends RuntimeException {

  /** One bad field and what is wrong with it. */
  public record Violation(String field, String message) {}

  private final List<Violation> violations;

  public InvalidPickupPoint(List<Violation> violations) {
    super("invalid pickup point: " + violations);
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
