package dev.flashgroup.engine.analytics;

import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Platform analytics' settings ({@code FLASHGROUP_ANALYTICS_*}).
 *
 * @param zone the zone of the analytics' days
 * @param viewerFlush how often the viewers buffered in memory go to Redis' HyperLogLogs
 * @param viewerBuffer how many views the buffer holds at most; a view beyond it is dropped (and counted)
 * @param viewerRetention how long a HyperLogLog lives after its last view
 */
@ConfigurationProperties("flashgroup.analytics")
public record AnalyticsSettings(
    @DefaultValue("Asia/Shanghai") ZoneId zone,
    @DefaultValue("PT0.1S") Duration viewerFlush,
    @DefaultValue("100000") int viewerBuffer,
    @DefaultValue("P400D") Duration viewerRetention) {

  public AnalyticsSettings {
    if (viewerFlush.toMillis() < 1 || viewerFlush.toSeconds() > 60) {
      throw new IllegalArgumentException("flashgroup.analytics.viewer-flush must be 1 ms to 60 s");
    }
    if (viewerBuffer < 1 || viewerBuffer > 10_000_000) {
      throw new IllegalArgumentException("flashgroup.analytics.viewer-buffer must be 1 to 10000000");
    }
    if (viewerRetention.toDays() < 1 || viewerRetention.toDays() > 3660) {
      throw new IllegalArgumentException("flashgroup.analytics.viewer-retention must be 1 to 3660 days");
    }
  }
}
