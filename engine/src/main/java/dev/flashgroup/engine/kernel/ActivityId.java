package dev.flashgroup.engine.kernel;

import java.util.Optional;

/** Identifies an activity; the number MySQL assigned when the merchant scheduled it. */
public record ActivityId(long value) {

  public ActivityId {
    if (value <= 0) {
      throw new IllegalArgumentException("activity id must be positive");
    }
  }

  /** The activity an order or group id ({@code 42-17}) belongs to; empty for anything else. */
  public static Optional<ActivityId> owning(String childId) {
    int dash = childId == null ? -1 : childId.indexOf('-');
    if (dash <= 0 || dash == childId.length() - 1) {
      return Optional.empty();
    }
    try {
      Long.parseLong(childId.substring(dash + 1));
      long activity = Long.parseLong(childId.substring(0, dash));
      return activity > 0 ? Optional.of(new ActivityId(activity)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
