package dev.flashgroup.engine.reservation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param idempotencyTtl how long the first answer to an Idempotency-Key is kept
 * @param attemptsPerSecond reservation attempts one buyer may make per second on one activity,
 *     counted inside reserve.lua; 0 switches the limit off (load tests from few buyers)
 */
@ConfigurationProperties("flashgroup.reservations")
public record ReservationSettings(@DefaultValue("PT24H") Duration idempotencyTtl,
    @DefaultValue("5") int attemptsPerSecond) {

  public ReservationSettings {
    if (attemptsPerSecond < 0 || attemptsPerSecond > 1_000) {
      throw new IllegalArgumentException("flashgroup.reservations.attempts-per-second must be 0 (off) to 1000");
    }
  }
}
