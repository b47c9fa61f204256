package dev.flashgroup.engine.alert;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How alerts reach the merchants' webhooks ({@code FLASHGROUP_WEBHOOKS_*}).
 *
 * @param attempts sends of one alert before it is given up (FAILED)
 * @param baseDelay the wait after the first failed send; doubles with each further failure
 * @param maxDelay the longest wait between two sends
 * @param connectTimeout how long a connection to the receiver may take
 * @param timeout how long a send may take in all (connect, request, response)
 * @param lease how long a claimed delivery is this instance's; longer than {@code timeout}, so a
 *     delivery is sent again by another instance only when its sender died or hung
 * @param interval how often the sender looks for due deliveries
 * @param concurrency sends in flight at once per instance (a slow receiver holds one, never more)
 * @param perMerchant sends of one merchant in flight at once per instance: a merchant whose receiver
 *     is dead and who has many alerts holds this many places, the other merchants' alerts take the rest
 * @param maxUrlLength longest webhook URL a merchant may set
 * @param allowPrivateAddresses accept webhook URLs whose host is loopback, private, link-local or
 *     otherwise not public (off in production: the platform must not be made to call its own
 *     network; on in tests, whose receivers listen on loopback)
 * @param enabled run the sender in this instance
 */
@ConfigurationProperties("flashgroup.webhooks")
public record WebhookSettings(
    @DefaultValue("8") int attempts,
    @DefaultValue("PT2S") Duration baseDelay,
    @DefaultValue("PT10M") Duration maxDelay,
    @DefaultValue("PT2S") Duration connectTimeout,
    @DefaultValue("PT5S") Duration timeout,
    @DefaultValue("PT30S") Duration lease,
    @DefaultValue("PT1S") Duration interval,
    @DefaultValue("16") int concurrency,
    @DefaultValue("2") int perMerchant,
    @DefaultValue("500") int maxUrlLength,
    @DefaultValue("false") boolean allowPrivateAddresses,
    @DefaultValue("true") boolean enabled) {

  public WebhookSettings {
    if (attempts < 1 || attempts > 100) {
      throw new IllegalArgumentException("flashgroup.webhooks.attempts must be 1..100");
    }
    for (Duration d : new Duration[] {baseDelay, maxDelay, connectTimeout, timeout, lease, interval}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("flashgroup.webhooks durations must be positive");
      }
    }
    if (maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("flashgroup.webhooks.max-delay must not be below base-delay");
    }
    if (lease.compareTo(timeout) <= 0) {
      throw new IllegalArgumentException("flashgroup.webhooks.lease must be longer than timeout");
    }
    if (concurrency < 1 || concurrency > 1_000) {
      throw new IllegalArgumentException("flashgroup.webhooks.concurrency must be 1..1000");
    }
    if (perMerchant < 1 || perMerchant > concurrency) {
      throw new IllegalArgumentException("flashgroup.webhooks.per-merchant must be 1..concurrency");
    }
    // The column is VARCHAR(500).
    if (maxUrlLength < 10 || maxUrlLength > 500) {
      throw new IllegalArgumentException("flashgroup.webhooks.max-url-length must be 10..500");
    }
  }

  /** The wait before the next send after {@code failures} failed ones: base, 2 x base, 4 x base, ... up to max. */
  Duration delayAfter(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 30);
    Duration delay = baseDelay.multipliedBy(1L << doublings);
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }
}
