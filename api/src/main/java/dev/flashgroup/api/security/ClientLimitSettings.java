package dev.flashgroup.api.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Requests one client address may send to this instance. Buyers behind one carrier NAT share an
 * address, so the default is far above what one person taps and only stops scripts.
 *
 * @param enabled off for load tests that send everything from one address
 * @param perSecond requests an address regains each second
 * @param burst requests an address may send at once after a quiet moment
 * @param trackedClients addresses remembered at a time; past that the memory starts over
 * @param postersPerSecond posters (group and activity {@code poster.png}, public and drawn on a few
 *     CPU threads) an address regains each second, on top of the general limit
 * @param posterBurst posters an address may fetch at once after a quiet moment
 */
@ConfigurationProperties("flashgroup.client-limits")
public record ClientLimitSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("100") long perSecond,
    @DefaultValue("200") long burst,
    @DefaultValue("100000") int trackedClients,
    @DefaultValue("5") long postersPerSecond,
    @DefaultValue("20") long posterBurst) {

  public ClientLimitSettings {
    if (perSecond < 1 || burst < 1 || trackedClients < 1 || postersPerSecond < 1 || posterBurst < 1) {
      throw new IllegalArgumentException("flashgroup.client-limits.per-second, burst, tracked-clients,"
          + " posters-per-second and poster-burst must be >= 1");
    }
  }
}
