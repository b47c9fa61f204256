package dev.flashgroup.api.group;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.group.GroupView;
import dev.flashgroup.engine.group.Groups;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A group, live. Groups are shared by link, so any signed-in user may look at one. */
@RestController
class GroupController {

  private final Groups groups;

  GroupController(Groups groups) {
    this.groups = groups;
  }

  @GetMapping("/api/v1/groups/{groupId}")
  Mono<ResponseEntity<GroupView>> show(@PathVariable String groupId) {
    return groups.find(groupId).map(ResponseEntity::ok).defaultIfEmpty(Problems.notFound("group", groupId));
  }
}
