package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Duration;
import java.time.Instant;

/** A flash group a merchant scheduled. Prices are in fen; {@code cancelledAt} is null unless cancelled. */
public record Activity(
    ActivityId id,
    String merchantId,
    String title,
    Mode mode,
    int groupSize,
    long groupPrice,
    long soloPrice,
    int stock,
    int perUserLimit,
    Instant startsAt,
    Instant endsAt,
    Duration groupTtl,
    Duration payWindow,
    Instant cancelledAt) {

  public boolean cancelled() {
    return cancelledAt != null;
  }

  public Status statusAt(Instant now) {
    if (cancelled()) {
      return Status.CANCELLED;
    }
    if (now.isBefore(startsAt)) {
      return Status.SCHEDULED;
    }
    return now.isBefore(endsAt) ? Status.RUNNING : Status.ENDED;
  }

  public enum Status {
    SCHEDULED, RUNNING, ENDED, CANCELLED
  }
}
