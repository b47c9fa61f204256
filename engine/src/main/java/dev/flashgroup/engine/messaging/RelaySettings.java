package dev.flashgroup.engine.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The relay's consumer group is in {@code keys/StreamSettings}: warming creates it too.
 *
 * @param consumerName this instance's name in the streams' consumer group; keep it stable across
 *     restarts so an instance picks up the entries it read but had not relayed when it stopped
 * @param batch stream entries moved per activity and round
 * @param interval pause between rounds
 * @param enabled whether this instance relays
 * @param adoptAfter how long an entry may sit unconfirmed with another relay instance before this
 *     one takes it over (that instance is presumed dead)
 * @param adoptInterval how often to look for such entries
 */
@ConfigurationProperties("flashgroup.relay")
public record RelaySettings(
    @DefaultValue("relay-1") String consumerName,
    @DefaultValue("500") int batch,
    @DefaultValue("PT0.02S") Duration interval,
    @DefaultValue("true") boolean enabled,
    @DefaultValue("PT30S") Duration adoptAfter,
    @DefaultValue("PT5S") Duration adoptInterval) {}
