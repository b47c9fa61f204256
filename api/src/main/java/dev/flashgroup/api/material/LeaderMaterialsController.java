package dev.flashgroup.api.material;

import dev.flashgroup.api.group.ShareLinks;
import dev.flashgroup.api.leader.ActiveLeaders;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.leader.Leader;
import dev.flashgroup.engine.leader.LeaderKind;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A leader's materials (素材库): what to share of each activity running or about to start — the
 * share card, the path and the poster, each naming the leader as referrer, and the merchant's
 * talking points. A POINT leader gets the activities that deliver to their point; a COMMUNITY leader,
 * whose buyers collect anywhere, all of them. Always the caller's own; refused once suspended.
 */
@RestController
class LeaderMaterialsController {

  static final int MAX_LIMIT = 100;

  /** One activity's material; {@code talkingPoints} is null when the merchant wrote none. */
  record Material(long activityId, String title, String status, Instant startsAt, Instant endsAt, int groupSize,
      long groupPrice, long soloPrice, int leaderCommissionBps, String talkingPoints, String shareCardUrl,
      String sharePath, String posterUrl) {}

  record Materials(List<Material> materials) {}

  private final ActiveLeaders leaders;
  private final Activities activities;
  private final ShareLinks links;
  private final Clock clock;

  LeaderMaterialsController(ActiveLeaders leaders, Activities activities, ShareLinks links, Clock clock) {
    this.leaders = leaders;
    this.activities = activities;
    this.links = links;
    this.clock = clock;
  }

  /** Earliest start first, at most {@code limit} (1 to {@value #MAX_LIMIT}). */
  @GetMapping("/api/v1/leader/materials")
  Mono<ResponseEntity<Materials>> materials(@RequestParam(defaultValue = "20") int limit, JwtAuthenticationToken auth) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidField("limit", "must be between 1 and " + MAX_LIMIT);
    }
    Instant now = clock.instant();
    return leaders.asLeader(auth.getName(), leader -> current(leader, now, limit)
        .map(a -> material(a, leader.subject(), now))
        .collectList()
        .map(list -> ResponseEntity.ok(new Materials(list))));
  }

  /** A COMMUNITY leader's buyers collect anywhere; a POINT leader's at their point (none without one: fail closed). */
  private Flux<Activity> current(Leader leader, Instant now, int limit) {
    if (leader.kind() != LeaderKind.POINT) {
      return activities.current(null, now, limit);
    }
    return leader.pointId() == null ? Flux.empty() : activities.current(leader.pointId(), now, limit);
  }

  private Material material(Activity a, String leader, Instant now) {
    var share = links.of(a, leader);
    return new Material(a.id().value(), a.title(), a.statusAt(now).name(), a.startsAt(), a.endsAt(), a.groupSize(),
        a.groupPrice(), a.soloPrice(), a.leaderCommissionBps(), a.talkingPoints(), share.cardUrl(), share.path(),
        share.posterUrl());
  }
}
