package dev.flashgroup.api.leader;

import dev.flashgroup.api.leader.LeaderViews.LeaderView;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A leader's own view of themselves (refused once suspended: {@link ActiveLeaders}). */
@RestController
class LeaderController {

  private final ActiveLeaders leaders;

  LeaderController(ActiveLeaders leaders) {
    this.leaders = leaders;
  }

  @GetMapping("/api/v1/leader/profile")
  Mono<ResponseEntity<LeaderView>> profile(JwtAuthenticationToken auth) {
    return leaders.asLeader(auth.getName(), leader -> Mono.just(ResponseEntity.ok(LeaderView.of(leader))));
  }
}
