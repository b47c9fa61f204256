package dev.flashgroup.engine.activity;

import java.util.List;

/** A draft with bad fields; carries every violation, not just the first. */
public class InvalidActivity extends RuntimeException {

  private final List<ActivityDraft.Violation> violations;

  public InvalidActivity(List<ActivityDraft.Violation> violations) {
    super("invalid activity: " + violations);
    this.violations = List.copyOf(violations);
  }

  public List<ActivityDraft.Violation> violations() {
    return violations;
  }
}
