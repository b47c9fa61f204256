package dev.flashgroup.engine.progress;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Progress of groups and activities streamed to buyers. The properties keep their historical
 * {@code flashgroup.live} prefix: deployments set them as {@code FLASHGROUP_LIVE_*} variables.
 *
 * @param readBlock how long one blocking XREAD of an activity's stream waits for new entries
 * @param readBatch most stream entries taken by one XREAD
 * @param subscriberBuffer updates held for one slow subscriber; beyond it the oldest are dropped
 * @param heartbeat how often an idle event stream sends a comment to keep the connection open
 */
@ConfigurationProperties("flashgroup.live")
public record ProgressSettings(
    @DefaultValue("PT2S") Duration readBlock,
    @DefaultValue("200") int readBatch,
    @DefaultValue("64") int subscriberBuffer,
    @DefaultValue("PT15S") Duration heartbeat) {}
