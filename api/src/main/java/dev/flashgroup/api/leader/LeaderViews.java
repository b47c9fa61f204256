package dev.flashgroup.api.leader;

import dev.flashgroup.engine.leader.Leader;
import dev.flashgroup.engine.leader.LeaderApplication;
import java.time.Instant;

/** What the API answers about applications and leaders. */
final class LeaderViews {

  private LeaderViews() {}

  record ApplicationView(long id, String buyerId, String name, String phone, String kind, Long pointId,
      String communityName, String note, String status, String reason, Instant createdAt, Instant decidedAt,
      String decidedBy) {

    static ApplicationView of(LeaderApplication a) {
      return new ApplicationView(a.id(), a.buyer(), a.name(), a.phone(), a.kind().name(), a.pointId(),
          a.communityName(), a.note(), a.status().name(), a.reason(), a.createdAt(), a.decidedAt(), a.decidedBy());
    }
  }

  record LeaderView(String subject, String name, String kind, Long pointId, String communityName, String status,
      String suspendedReason, Instant suspendedAt, Instant since) {

    static LeaderView of(Leader l) {
      return new LeaderView(l.subject(), l.name(), l.kind().name(), l.pointId(), l.communityName(), l.status().name(),
          l.suspendedReason(), l.suspendedAt(), l.since());
    }
  }
}
