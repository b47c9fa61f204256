package dev.flashgroup.engine.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The relay's consumer group is in {@code keys/StreamSettings}: warming creates it too.
 *
 * @param consumerName this instance's name in the streams' consumer group; keep it stable across
 *     restarts so an instance picks up the entries it read but had not relayed when it stopped
 * @param batch stream entries read per activity and round (the {@code COUNT} of the one
 *     {@code XREADGROUP}); every entry of a round, over all streams, is published on one channel
 *     with one wait for the broker's confirms, then acknowledged with one XACK and one XDEL per stream
 * @param interval pause after a round the broker did not fully confirm (or that failed) before
 *     trying again; a round that moved entries is followed by the next read at once
 * @param block how long one blocking read waits on the streams for new entries (and how long the
 *     relay waits when nothing is warm): at rest, one read per {@code block}
 * @param enabled whether this instance relays
 * @param adoptAfter how long an entry may sit unconfirmed with another relay instance before this
 *     one takes it over (that instance is presumed dead)
 * @param adoptInterval how often to look for such entries (one XPENDING per warm activity)
 * @param confirmTimeout how long a round waits for the broker to confirm what it published; what is
 *     not confirmed by then stays pending, to be published again (the channel is closed). A channel
 *     recovered after a broker restart never confirms what was sent on it before: without this
 *     bound the relay would wait for those confirms for ever
 * @param poll on a Redis Cluster with warm streams in several slots, the pause after a round that
 *     found nothing new (those reads do not block; docs/cluster.md)
 * @param linger pause after a round that read less than a full batch from every stream, so the
 *     next round finds more entries to move at once (zero: read again at once)
 * @param brokenPause how long a stream that has lost its consumer group (its keys were lost) is left
 *     out of the reads before it is tried again: long enough that a lost stream does not fail every
 *     read of its slot, short enough that a rebuilt one (group created again) is relayed at once
 */
@ConfigurationProperties("flashgroup.relay")
public record RelaySettings(
    @DefaultValue("relay-1") String consumerName,
    @DefaultValue("500") int batch,
    @DefaultValue("PT0.02S") Duration interval,
    @DefaultValue("PT2S") Duration block,
    @DefaultValue("true") boolean enabled,
    @DefaultValue("PT30S") Duration adoptAfter,
    @DefaultValue("PT30S") Duration adoptInterval,
    @DefaultValue("PT10S") Duration confirmTimeout,
    @DefaultValue("PT0S") Duration linger,
    @DefaultValue("PT0.05S") Duration poll,
    @DefaultValue("PT1S") Duration brokenPause) {}
