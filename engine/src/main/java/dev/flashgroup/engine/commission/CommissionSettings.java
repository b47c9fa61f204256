package dev.flashgroup.engine.commission;

import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The commission ledger's settings; they share the {@code flashgroup.leaders} prefix with the
 * leader directory's and the activities' default rate.
 *
 * @param settleAfter how long after the pickup earned commission settles (the after-sales window)
 * @param minWithdrawal the smallest withdrawal, in fen
 * @param settleInterval how often the settlement sweep looks for commission that is due
 * @param settleBatch how many orders one sweep settles at most
 * @param settleEnabled whether this instance runs the sweep
 * @param zone the dashboard's zone for a leader without a pickup point (a point leader's is the point's)
 */
@ConfigurationProperties("flashgroup.leaders")
public record CommissionSettings(
    @DefaultValue("P7D") Duration settleAfter,
    @DefaultValue("1000") long minWithdrawal,
    @DefaultValue("PT1M") Duration settleInterval,
    @DefaultValue("500") int settleBatch,
    @DefaultValue("true") boolean settleEnabled,
    @DefaultValue("Asia/Shanghai") ZoneId zone) {

  public CommissionSettings {
    if (settleAfter.isNegative() || settleAfter.toDays() > 366) {
      throw new IllegalArgumentException("flashgroup.leaders.settle-after must be 0 to 366 days");
    }
    if (minWithdrawal < 1 || minWithdrawal > Withdrawals.MAX_AMOUNT) {
      throw new IllegalArgumentException("flashgroup.leaders.min-withdrawal must be 1 to " + Withdrawals.MAX_AMOUNT + " fen");
    }
    if (settleBatch < 1 || settleBatch > 10_000) {
      throw new IllegalArgumentException("flashgroup.leaders.settle-batch must be 1 to 10000");
    }
  }
}
