package dev.flashgroup.loadtest;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * The 8 p.m. opening: {@code fg.buyers} buyers arrive within {@code fg.window} seconds, each
 * opening, joining, matching or buying alone by {@code fg.mix}; {@code fg.payShare} of them pay
 * after {@code fg.payDelayMs}. Fails on any answer other than 201/409 (so on every 5xx) and when
 * the 99th percentile exceeds {@code fg.p99Ms}.
 */
public class PeakOpeningSimulation extends Simulation {

  private final LoadSettings settings = LoadSettings.fromSystemProperties();
  private final Buyers buyers = new Buyers(settings);

  {
    setUp(buyers.atOpening().injectOpen(rampUsers(settings.buyers()).during(Duration.ofSeconds(settings.windowSeconds()))))
        .protocols(buyers.protocol())
        .assertions(
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(settings.p99Ms()));
  }

  @Override
  public void after() {
    buyers.writeAcknowledged();
    buyers.writeLatency();
  }
}
