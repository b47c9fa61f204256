package dev.flashgroup.engine.commission;

import java.time.Instant;

/** A leader's request to be paid settled commission, and what an admin decided. */
public record Withdrawal(long id, String leaderId, long amount, Status status, String transferReference,
    String reason, Instant requestedAt, Instant decidedAt, String decidedBy) {

  public enum Status {
    PENDING, PAID, REJECTED
  }
}
