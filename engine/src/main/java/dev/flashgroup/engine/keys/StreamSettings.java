package dev.flashgroup.engine.keys;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The activity streams' consumer group. Warming creates it with the stream (warm_activity.lua),
 * the relay reads and acknowledges with it; both take the name from here, so neither reaches into
 * the other. Still bound from {@code flashgroup.relay.consumer-group}, as before it moved here.
 *
 * @param consumerGroup the Redis stream consumer group the relay reads with
 */
@ConfigurationProperties("flashgroup.relay")
public record StreamSettings(@DefaultValue("relay") String consumerGroup) {}
