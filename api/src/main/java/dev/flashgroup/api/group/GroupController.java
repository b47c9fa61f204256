package dev.flashgroup.api.group;

import dev.flashgroup.api.web.BuyerIds;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.group.GroupView;
import dev.flashgroup.engine.group.Groups;
import dev.flashgroup.engine.group.JoinableGroup;
import dev.flashgroup.engine.kernel.ActivityId;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A group, live. Groups are shared by link, so any signed-in user may look at one; member and
 * leader ids are masked, as a stranger may see the group.
 */
@RestController
class GroupController {

  private static final int MAX_LIMIT = 100;

  /** The "only N more needed" list of an activity, fewest free slots first. */
  record JoinableGroups(long activityId, List<JoinableGroup> groups) {}

  private final Groups groups;

  GroupController(Groups groups) {
    this.groups = groups;
  }

  /**
   * Open groups of an activity that still take members, fewest free slots first ("only 1 more
   * needed"), from Redis. Only {@code joinable=true} is served: closed groups are not kept there.
   */
  @GetMapping("/api/v1/activities/{activityId}/groups")
  Mono<ResponseEntity<JoinableGroups>> joinable(@PathVariable long activityId,
      @RequestParam(required = false) Boolean joinable, @RequestParam(defaultValue = "20") int limit) {
    if (!Boolean.TRUE.equals(joinable)) {
      return Mono.just(Problems.response(HttpStatus.BAD_REQUEST, "INVALID_REQUEST",
          "Only joinable=true is served: GET /api/v1/activities/{id}/groups?joinable=true"));
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      return Mono.just(Problems.response(HttpStatus.BAD_REQUEST, "INVALID_REQUEST",
          "limit must be between 1 and " + MAX_LIMIT));
    }
    if (activityId <= 0) {
      return Mono.just(Problems.notFound("activity", Long.toString(activityId)));
    }
    return groups.joinable(new ActivityId(activityId), limit).collectList()
        .map(list -> ResponseEntity.ok(new JoinableGroups(activityId, list)));
  }

  @GetMapping("/api/v1/groups/{groupId}")
  Mono<ResponseEntity<GroupView>> show(@PathVariable String groupId) {
    return groups.find(groupId).map(GroupController::masked).map(ResponseEntity::ok)
        .defaultIfEmpty(Problems.notFound("group", groupId));
  }

  private static GroupView masked(GroupView g) {
    return new GroupView(g.id(), g.activityId(), g.status(), mask(g.leaderId()), g.size(),
        g.members().stream().map(GroupController::mask).toList(), g.paid(), g.remainingSlots(), g.deadline(), g.virtualMembers(), g.price());
  }

  static String mask(String id) {
    return BuyerIds.mask(id);
  }
}
