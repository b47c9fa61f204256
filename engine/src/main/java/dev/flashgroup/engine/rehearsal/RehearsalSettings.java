package dev.flashgroup.engine.rehearsal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The opening rehearsal: synthetic reservations, payments and refusals on a scratch namespace, so
 * the JIT has compiled the hot path before buyers arrive (see docs/performance.md).
 *
 * @param enabled whether this instance rehearses at all
 * @param startupBudget most time the rehearsal at start-up takes, shared equally by its parts;
 *     readiness waits for it
 * @param openingBudget most time each rehearsal before an opening takes
 * @param ahead how long before an opening this instance rehearses it (once per opening time)
 * @param lookInterval how often this instance looks for the next opening within {@code ahead} (one
 *     MySQL query)
 * @param rounds most rounds of the scripted part per rehearsal (each: two groups opened, joined and
 *     paid, a solo order paid, four refusals: 12 script calls)
 * @param concurrency rounds in flight at once
 */
@ConfigurationProperties("flashgroup.rehearsal")
public record RehearsalSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("PT20S") Duration startupBudget,
    @DefaultValue("PT5S") Duration openingBudget,
    @DefaultValue("PT3M") Duration ahead,
    @DefaultValue("PT30S") Duration lookInterval,
    @DefaultValue("2000") int rounds,
    @DefaultValue("16") int concurrency) {

  /** Most rounds: the scratch activity's stock is three units a round. */
  public static final int MAX_ROUNDS = 1_000_000;

  public RehearsalSettings {
    if (rounds < 1 || rounds > MAX_ROUNDS) {
      throw new IllegalArgumentException("flashgroup.rehearsal.rounds must be 1 to " + MAX_ROUNDS);
    }
    if (concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("flashgroup.rehearsal.concurrency must be 1 to 256");
    }
    if (startupBudget.isNegative() || openingBudget.isNegative() || startupBudget.toMinutes() > 10
        || openingBudget.toMinutes() > 10) {
      throw new IllegalArgumentException("flashgroup.rehearsal budgets must be 0 to 10 minutes");
    }
  }
}
