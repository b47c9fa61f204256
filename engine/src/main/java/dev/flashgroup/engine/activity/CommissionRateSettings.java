package dev.flashgroup.engine.activity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The leader commission rate an activity gets when its merchant names none. It shares the
 * {@code flashgroup.leaders} prefix with the leader and commission settings; the activity owns it
 * because scheduling applies it (the commission ledger reads the rate from the activity's row).
 *
 * @param defaultBps basis points, 0 to {@link ActivityDraft#MAX_COMMISSION_BPS}
 */
@ConfigurationProperties("flashgroup.leaders")
public record CommissionRateSettings(@DefaultValue("100") int defaultBps) {

  public CommissionRateSettings {
    if (defaultBps < 0 || defaultBps > ActivityDraft.MAX_COMMISSION_BPS) {
      throw new IllegalArgumentException("flashgroup.leaders.default-bps must be 0 to " + ActivityDraft.MAX_COMMISSION_BPS);
    }
  }
}
