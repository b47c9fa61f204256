package dev.flashgroup.engine.rehearsal;

import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.schedule.RepeatingJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Rehearses again in the minutes before each opening of tonight's line-up: every
 * {@code look-interval} it asks MySQL for the next start within {@code ahead} and rehearses once per
 * start time (the 8 p.m. activities share one rehearsal), and only while the rehearsal can be over
 * before the opening (its budget and {@link #CLEAR} ahead of it). An instance that idled all day may have
 * let the JIT drop or deoptimise parts of the hot path; this brings them back while nobody buys.
 * Each instance rehearses for itself: the JIT is per process.
 */
@Component
class OpeningsAhead extends RepeatingJob {

  /** Beyond the budget, before the opening: the calls in flight and the clean-up. */
  static final Duration CLEAR = Duration.ofSeconds(10);

  private final Activities activities;
  private final OpeningRehearsal rehearsal;
  private final RehearsalSettings settings;
  private final Clock clock;
  /** The latest opening rehearsed for; touched by the loop only. */
  private Instant rehearsedFor = Instant.EPOCH;

  OpeningsAhead(Activities activities, OpeningRehearsal rehearsal, RehearsalSettings settings, Clock clock) {
    this.activities = activities;
    this.rehearsal = rehearsal;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  protected boolean enabled() {
    return settings.enabled() && !settings.openingBudget().isZero();
  }

  @Override
  protected Duration pause() {
    return settings.lookInterval();
  }

  @Override
  protected Mono<?> round() {
    Instant now = clock.instant();
    // A rehearsal must be over before the opening: one too close to it (scheduled at the last
    // minute) is left out rather than run into the buyers.
    Instant latest = now.plus(settings.openingBudget()).plus(CLEAR);
    return activities.nextOpening(now, now.plus(settings.ahead()))
        .filter(opening -> opening.isAfter(rehearsedFor) && !opening.isBefore(latest))
        .flatMap(opening -> rehearsal.rehearse("before the opening at " + opening, settings.openingBudget())
            .doOnNext(done -> rehearsedFor = opening));
  }
}
