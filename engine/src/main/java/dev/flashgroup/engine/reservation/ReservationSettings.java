package dev.flashgroup.engine.reservation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param idempotencyTtl how long the first answer to an Idempotency-Key is kept */
@ConfigurationProperties("flashgroup.reservations")
public record ReservationSettings(@DefaultValue("PT24H") Duration idempotencyTtl) {}
