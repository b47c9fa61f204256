package dev.flashgroup.engine.activity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param warmAhead how long before its start an activity is loaded into Redis
 * @param warmInterval how often the warmer looks for activities to load (one MySQL query)
 * @param upkeepInterval how often the warmer repairs and retires the warm activities (a MySQL read
 *     and a script per warm activity)
 * @param stockChangeMemory how long Redis remembers an applied stock change, so a retry adds nothing twice
 * @param retain how long the keys of an activity that is over (ended, settled, relayed) stay in
 *     Redis before they expire; the views then answer from MySQL
 */
@ConfigurationProperties("flashgroup.activities")
public record ActivitySettings(
    @DefaultValue("PT10M") Duration warmAhead,
    @DefaultValue("PT5S") Duration warmInterval,
    @DefaultValue("PT5M") Duration upkeepInterval,
    @DefaultValue("P2D") Duration stockChangeMemory,
    @DefaultValue("P3D") Duration retain) {

  /** Whether an activity starting at {@code startsAt} is warmed now (scheduled or edited within warm-ahead). */
  boolean startsSoon(java.time.Instant startsAt, java.time.Instant now) {
    return !startsAt.isAfter(now.plus(warmAhead));
  }

  public ActivitySettings {
    if (retain.toSeconds() < 1 || retain.toDays() > 366) {
      throw new IllegalArgumentException("flashgroup.activities.retain must be 1 s to 366 days");
    }
  }
}
