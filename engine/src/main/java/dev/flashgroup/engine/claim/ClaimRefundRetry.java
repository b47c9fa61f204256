package dev.flashgroup.engine.claim;

import dev.flashgroup.engine.schedule.RepeatingJob;
import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Sends again every approved claim's refund that the gateway has not confirmed in time (it failed,
 * the instance stopped between the approval and the send, the gateway's news was lost). The refund
 * number is the same each time, so the gateway pays it once.
 */
@Component
class ClaimRefundRetry extends RepeatingJob {

  private static final int BATCH = 50;

  private final ClaimRefunds refunds;
  private final ClaimSettings settings;

  ClaimRefundRetry(ClaimRefunds refunds, ClaimSettings settings) {
    this.refunds = refunds;
    this.settings = settings;
  }

  @Override
  protected Mono<?> round() {
    return refunds.resendDue(BATCH);
  }

  @Override
  protected Duration pause() {
    return settings.retryInterval();
  }

  @Override
  protected boolean enabled() {
    return settings.retryEnabled();
  }
}
