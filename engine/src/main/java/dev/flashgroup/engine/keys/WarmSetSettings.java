package dev.flashgroup.engine.keys;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param liveCache how long an instance keeps what it read of the warm sets before reading them again
 *     (its own additions and removals drop it at once; another instance's show after at most this)
 */
@ConfigurationProperties("flashgroup.redis")
public record WarmSetSettings(@DefaultValue("PT0.5S") Duration liveCache) {

  public WarmSetSettings {
    if (liveCache == null || liveCache.isNegative() || liveCache.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("flashgroup.redis.live-cache must be 0..PT1M");
    }
  }
}
