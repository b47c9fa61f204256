package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What a merchant submits to schedule an activity; {@link #violations()} lists every bad field. */
public record ActivityDraft(
    String title,
    Mode mode,
    Integer groupSize,
    Long groupPrice,
    Long soloPrice,
    Integer stock,
    Integer perUserLimit,
    Instant startsAt,
    Instant endsAt,
    Duration groupTtl,
    Duration payWindow) {

  public static final int MIN_GROUP_SIZE = 2;
  public static final int MAX_GROUP_SIZE = 50;

  /** A field and what is wrong with it. */
  public record Violation(String field, String message) {}

  public List<Violation> violations() {
    List<Violation> found = new ArrayList<>();
    if (title == null || title.isBlank()) {
      found.add(new Violation("title", "must not be blank"));
    } else if (title.length() > 200) {
      found.add(new Violation("title", "must be at most 200 characters"));
    }
    if (mode == null) {
      found.add(new Violation("mode", "must be one of " + List.of(Mode.values())));
    }
    if (groupSize == null || groupSize < MIN_GROUP_SIZE || groupSize > MAX_GROUP_SIZE) {
      found.add(new Violation("groupSize", "must be between " + MIN_GROUP_SIZE + " and " + MAX_GROUP_SIZE));
    }
    if (groupPrice == null || groupPrice <= 0) {
      found.add(new Violation("groupPrice", "must be a positive amount in fen"));
    }
    if (soloPrice == null || soloPrice <= 0) {
      found.add(new Violation("soloPrice", "must be a positive amount in fen"));
    } else if (groupPrice != null && groupPrice > soloPrice) {
      found.add(new Violation("groupPrice", "must not exceed soloPrice"));
    }
    if (stock == null || stock < 1 || stock > 10_000_000) {
      found.add(new Violation("stock", "must be between 1 and 10000000"));
    }
    if (perUserLimit == null || perUserLimit < 1) {
      found.add(new Violation("perUserLimit", "must be at least 1"));
    }
    if (startsAt == null) {
      found.add(new Violation("startsAt", "must be an ISO-8601 instant"));
    }
    if (endsAt == null) {
      found.add(new Violation("endsAt", "must be an ISO-8601 instant"));
    } else if (startsAt != null && !endsAt.isAfter(startsAt)) {
      found.add(new Violation("endsAt", "must be after startsAt"));
    }
    checkPositive(found, "groupTtl", groupTtl);
    checkPositive(found, "payWindow", payWindow);
    return found;
  }

  private static void checkPositive(List<Violation> found, String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      found.add(new Violation(field, "must be a positive ISO-8601 duration"));
    }
  }

  Activity toActivity(ActivityId id, String merchantId) {
    return new Activity(id, merchantId, title.strip(), mode, groupSize, groupPrice, soloPrice, stock,
        perUserLimit, startsAt, endsAt, groupTtl, payWindow, null);
  }
}
