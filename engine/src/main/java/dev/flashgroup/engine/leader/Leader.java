package dev.flashgroup.engine.leader;

import java.time.Instant;

/** An approved leader, known by the buyer's subject. A SUSPENDED leader keeps the record, not the role. */
public record Leader(String subject, long applicationId, String name, LeaderKind kind, Long pointId,
    String communityName, Status status, String suspendedReason, Instant suspendedAt, String suspendedBy,
    Instant since) {

  public enum Status {
    ACTIVE,
    SUSPENDED
  }

  public boolean active() {
    return status == Status.ACTIVE;
  }
}
