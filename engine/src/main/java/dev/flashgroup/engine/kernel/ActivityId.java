package dev.flashgroup.engine.kernel;

/** Identifies an activity; the number MySQL assigned when the merchant scheduled it. */
public record ActivityId(long value) {

  public ActivityId {
    if (value <= 0) {
      throw new IllegalArgumentException("activity id must be positive");
    }
  }

  /** The activity an order or group id ({@code 42-17}) belongs to. */
  public static ActivityId ofChild(String childId) {
    int dash = childId == null ? -1 : childId.indexOf('-');
    if (dash <= 0 || dash == childId.length() - 1) {
      throw new IllegalArgumentException("not an order or group id: " + childId);
    }
    try {
      Long.parseLong(childId.substring(dash + 1));
      return new ActivityId(Long.parseLong(childId.substring(0, dash)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an order or group id: " + childId, e);
    }
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
