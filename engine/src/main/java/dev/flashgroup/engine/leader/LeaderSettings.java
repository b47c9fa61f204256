package dev.flashgroup.engine.leader;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param binding how long a buyer stays bound to the leader who referred them, after that leader's
 *     latest referred order
 * @param refresh how often each instance reloads its leader directory from MySQL (approvals and
 *     suspensions on this instance apply at once)
 */
@ConfigurationProperties("flashgroup.leaders")
public record LeaderSettings(@DefaultValue("P30D") Duration binding, @DefaultValue("PT2S") Duration refresh) {}
