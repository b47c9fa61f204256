package dev.flashgroup.engine.leader;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param binding how long a buyer stays bound to the leader who referred them, after that leader's
 *     latest referred order
 * @param refresh how often each instance reloads its leader directory from MySQL (approvals and
 *     suspensions on this instance apply at once)
 * @param maxBindings most buyer bindings each instance holds (about 250 bytes each, reloaded every
 *     refresh): the most recently referred ones; a buyer bound longer ago than the oldest one held is
 *     attributed as if unbound (to the referrer or the point's leader), and a warning says the bound
 *     was reached
 */
@ConfigurationProperties("flashgroup.leaders")
public record LeaderSettings(@DefaultValue("P30D") Duration binding, @DefaultValue("PT2S") Duration refresh,
    @DefaultValue("100000") int maxBindings) {

  public LeaderSettings {
    if (maxBindings < 1 || maxBindings > 10_000_000) {
      throw new IllegalArgumentException("flashgroup.leaders.max-bindings must be 1 to 10000000");
    }
  }
}
