package dev.flashgroup.engine.recovery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How an activity Redis lost is rebuilt from MySQL.
 *
 * @param sequenceGap how far past the highest order or group sequence MySQL knows the rebuilt
 *     activity's {@code seq} starts: ids Redis handed out whose events had not reached MySQL (lost
 *     with the stream, or still queued in the broker) are never handed out again
 * @param lease how long one instance holds the rebuild of an activity without a sign of life; an
 *     instance that died mid-rebuild is replaced after it
 * @param retryAfter what a reservation for an activity being rebuilt is told to wait (Retry-After)
 * @param lookBack how long after its end an activity is still checked: an ended activity whose
 *     orders or groups MySQL records as unsettled is rebuilt so its timers and refunds finish
 */
@ConfigurationProperties("flashgroup.rebuild")
public record RebuildSettings(
    @DefaultValue("10000") int sequenceGap,
    @DefaultValue("PT30S") Duration lease,
    @DefaultValue("PT2S") Duration retryAfter,
    @DefaultValue("P7D") Duration lookBack) {

  public RebuildSettings {
    if (sequenceGap < 0 || sequenceGap > 10_000_000) {
      throw new IllegalArgumentException("flashgroup.rebuild.sequence-gap must be 0..10000000");
    }
    if (lease.toMillis() < 1_000 || lease.toHours() > 1) {
      throw new IllegalArgumentException("flashgroup.rebuild.lease must be 1 s to 1 h");
    }
    if (retryAfter.toMillis() < 1 || retryAfter.toMinutes() > 10) {
      throw new IllegalArgumentException("flashgroup.rebuild.retry-after must be 1 ms to 10 min");
    }
    if (lookBack.isNegative() || lookBack.toDays() > 366) {
      throw new IllegalArgumentException("flashgroup.rebuild.look-back must be 0 to 366 days");
    }
  }
}
