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
 */
@ConfigurationProperties("flashgroup.client-limits")
public record ClientLimitSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("100") long perSecond,
    @DefaultValue("200") long burst,
    @DefaultValue("100000") int trackedClients) {

  public ClientLimitSettings {
    if (perSecond < 1 || burst < 1 || trackedClients < 1) {
      throw new IllegalArgumentException("flashgroup.client-limits.per-second, burst and tracked-clients must be >= 1");
    }
  }
}
