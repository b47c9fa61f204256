package dev.flashgroup.engine.reservation;

import java.time.Duration;
import java.time.Instant;

/** What became of a reservation request. Refusals are expected outcomes, not exceptions. */
public sealed interface ReservationOutcome {

  /** A unit is held for the buyer until {@code payBy}. {@code groupId} is null for a solo order. */
  record Reserved(String orderId, String groupId, long amount, Instant payBy) implements ReservationOutcome {}

  record Refused(Refusal reason) implements ReservationOutcome {}

  /** The activity or group does not exist. */
  record Unknown(String what, String id) implements ReservationOutcome {}

  /** The buyer made more attempts this second than allowed; nothing was looked at. */
  record Throttled(Duration retryAfter) implements ReservationOutcome {}

  /**
   * Redis cannot answer for the activity now: it is being rebuilt from MySQL, or the reservation
   * was made but fewer replicas than required acknowledged it in time (then a retry with the same
   * Idempotency-Key returns that reservation). {@code why} says which, for the buyer.
   */
  record Unavailable(Duration retryAfter, String why) implements ReservationOutcome {}

  /** The request's Idempotency-Key already answered a different request of the buyer. */
  record KeyReused() implements ReservationOutcome {}
}
