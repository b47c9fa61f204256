package dev.flashgroup.engine.activity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param warmAhead how long before its start an activity is loaded into Redis
 * @param warmInterval how often the warmer looks for activities to load
 * @param stockChangeMemory how long Redis remembers an applied stock change, so a retry adds nothing twice
 */
@ConfigurationProperties("flashgroup.activities")
public record ActivitySettings(
    @DefaultValue("PT10M") Duration warmAhead,
    @DefaultValue("PT5S") Duration warmInterval,
    @DefaultValue("P2D") Duration stockChangeMemory) {}
