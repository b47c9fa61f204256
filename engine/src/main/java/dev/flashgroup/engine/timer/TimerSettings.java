package dev.flashgroup.engine.timer;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param interval least pause between sweeps (also the pause while deadlines are overdue, and after
 *     a failed sweep)
 * @param batch most deadlines of one kind taken per activity and sweep
 * @param enabled whether this instance sweeps
 * @param longestWait most the sweeper sleeps when it knows of no earlier deadline
 * @param rescan how often every warm activity's earliest deadline is read again (2 commands per
 *     activity), for deadlines this instance was not told of (made through another instance)
 */
@ConfigurationProperties("flashgroup.timers")
public record TimerSettings(
    @DefaultValue("PT0.2S") Duration interval,
    @DefaultValue("500") int batch,
    @DefaultValue("true") boolean enabled,
    @DefaultValue("PT10S") Duration longestWait,
    @DefaultValue("PT1M") Duration rescan) {}
