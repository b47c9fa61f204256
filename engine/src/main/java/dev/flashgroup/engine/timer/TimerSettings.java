package dev.flashgroup.engine.timer;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param interval pause between sweeps
 * @param batch most deadlines of one kind taken per activity and sweep
 * @param enabled whether this instance sweeps
 */
@ConfigurationProperties("flashgroup.timers")
public record TimerSettings(
    @DefaultValue("PT0.2S") Duration interval,
    @DefaultValue("500") int batch,
    @DefaultValue("true") boolean enabled) {}
