package dev.flashgroup.api.rehearsal;

import dev.flashgroup.engine.rehearsal.OpeningRehearsal;
import dev.flashgroup.engine.rehearsal.RehearsalSettings;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Rehearses the opening once at start-up, after the server listens and before the instance says it
 * is ready: Spring Boot publishes readiness (ACCEPTING_TRAFFIC) only once every runner returned, so
 * {@code /actuator/health/readiness} answers OUT_OF_SERVICE until the rehearsal is over and a load
 * balancer sends no buyer to a cold JVM. Bounded by {@code flashgroup.rehearsal.startup-budget}; a
 * rehearsal that fails is logged and readiness follows anyway. Runs on the main thread, which may
 * wait.
 */
@Component
class StartupRehearsal implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(StartupRehearsal.class);
  /** Beyond the budget: the parts' grace and the clean-up. */
  private static final Duration SLACK = Duration.ofSeconds(30);

  private final OpeningRehearsal rehearsal;
  private final RehearsalSettings settings;

  StartupRehearsal(OpeningRehearsal rehearsal, RehearsalSettings settings) {
    this.rehearsal = rehearsal;
    this.settings = settings;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (!settings.enabled() || settings.startupBudget().isZero()) {
      return;
    }
    try {
      rehearsal.rehearse("at start-up", settings.startupBudget()).block(settings.startupBudget().plus(SLACK));
    } catch (RuntimeException e) {
      log.warn("The start-up rehearsal failed; ready without it: {}", e.toString());
    }
  }
}
