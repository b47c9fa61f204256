package dev.flashgroup.engine.reservation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Local knowledge that an activity is sold out.
 *
 * @param enabled whether an instance answers SOLD_OUT itself once Redis said so
 * @param ttl how long such knowledge lasts without news; the safety net for a restock message
 *     lost while the subscription was down, so a wrong refusal can never last longer than twice this
 *     (once it lapsed, one request asks Redis and the others are refused until it answers, at most
 *     another TTL)
 * @param maxActivities most activities known sold out (or with buckets known empty) at once (about 400 bytes each); when full,
 *     lapsed knowledge is dropped first and, if that frees nothing, a new sold-out activity is asked
 *     of Redis as usual instead of being remembered
 */
@ConfigurationProperties("flashgroup.sold-out")
public record SoldOutSettings(@DefaultValue("true") boolean enabled, @DefaultValue("PT1S") Duration ttl,
    @DefaultValue("10000") int maxActivities) {

  public SoldOutSettings {
    if (maxActivities < 1 || maxActivities > 1_000_000) {
      throw new IllegalArgumentException("flashgroup.sold-out.max-activities must be 1 to 1000000");
    }
  }
}
