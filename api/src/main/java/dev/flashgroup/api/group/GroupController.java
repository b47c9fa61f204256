package dev.flashgroup.api.group;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.group.GroupView;
import dev.flashgroup.engine.group.Groups;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A group, live. Groups are shared by link, so any signed-in user may look at one; member and
 * leader ids are masked, as a stranger may see the group.
 */
@RestController
class GroupController {

  private final Groups groups;

  GroupController(Groups groups) {
    this.groups = groups;
  }

  @GetMapping("/api/v1/groups/{groupId}")
  Mono<ResponseEntity<GroupView>> show(@PathVariable String groupId) {
    return groups.find(groupId).map(GroupController::masked).map(ResponseEntity::ok)
        .defaultIfEmpty(Problems.notFound("group", groupId));
  }

  private static GroupView masked(GroupView g) {
    return new GroupView(g.id(), g.activityId(), g.status(), mask(g.leaderId()), g.size(),
        g.members().stream().map(GroupController::mask).toList(), g.paid(), g.remainingSlots(), g.deadline());
  }

  /** {@code alice} → {@code a***e}; short ids show only their first character. */
  static String mask(String id) {
    if (id == null || id.isEmpty()) {
      return id;
    }
    return id.length() <= 2 ? id.charAt(0) + "***" : id.charAt(0) + "***" + id.charAt(id.length() - 1);
  }
}
