package dev.flashgroup.engine.leader;

import java.time.Instant;

/**
 * An application to lead. {@code status} PENDING, APPROVED or REJECTED; {@code reason} the
 * rejection's; {@code decidedBy} the admin's subject.
 */
public record LeaderApplication(long id, String buyer, String name, String phone, LeaderKind kind, Long pointId,
    String communityName, String note, Status status, String reason, Instant createdAt, Instant decidedAt,
    String decidedBy) {

  public enum Status {
    PENDING,
    APPROVED,
    REJECTED
  }
}
