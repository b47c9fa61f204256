package dev.flashgroup.engine.tonight;

import java.time.Instant;
import java.util.List;

/**
 * The spike at a glance: this instance's reservation rate, the relay's lag, what waits for the
 * workers, and every live activity's remaining stock (per pickup point too) and groups formed.
 * {@code relayLagMs} and {@code workerBacklog} are null when not known (relay off, broker down).
 */
public record Tonight(Instant at, double reservationsPerSecond, Long relayLagMs, Long workerBacklog,
    List<LiveActivity> activities) {

  /** A warm activity that has not ended and is not cancelled; {@code points} by point id. */
  public record LiveActivity(long id, String title, long remaining, long groupsFormed, List<PointStock> points) {}

  public record PointStock(long pointId, long remaining) {}
}
