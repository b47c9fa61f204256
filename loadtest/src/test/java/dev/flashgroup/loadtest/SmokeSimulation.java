package dev.flashgroup.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * About ten seconds of buyers for CI: {@code fg.buyers} spread evenly over ten seconds, the same
 * actions as the opening. Fails on any answer other than 201/409.
 */
public class SmokeSimulation extends Simulation {

  private static final int SECONDS = 10;

  private final LoadSettings settings = LoadSettings.fromSystemProperties();
  private final Buyers buyers = new Buyers(settings);

  {
    setUp(buyers.atOpening().injectOpen(
            constantUsersPerSec(settings.buyers() / (double) SECONDS).during(Duration.ofSeconds(SECONDS))))
        .protocols(buyers.protocol())
        .assertions(global().failedRequests().count().is(0L));
  }

  @Override
  public void after() {
    buyers.writeAcknowledged();
    buyers.writeLatency();
  }
}
