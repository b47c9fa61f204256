package dev.flashgroup.api.leader;

import dev.flashgroup.api.leader.LeaderViews.LeaderView;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.leader.Leaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A leader's own view of themselves. The LEADER role lives in a token until it expires, so every
 * leader endpoint asks MySQL whether the subject still leads: a suspended leader is refused at once.
 */
@RestController
class LeaderController {

  private final Leaders leaders;

  LeaderController(Leaders leaders) {
    this.leaders = leaders;
  }

  @GetMapping("/api/v1/leader/profile")
  Mono<ResponseEntity<LeaderView>> profile(JwtAuthenticationToken auth) {
    return leaders.find(auth.getName())
        .map(leader -> leader.active() ? ResponseEntity.ok(LeaderView.of(leader))
            : Problems.<LeaderView>response(HttpStatus.FORBIDDEN, "LEADER_SUSPENDED",
                "Your leadership is suspended: " + leader.suspendedReason()))
        .defaultIfEmpty(Problems.response(HttpStatus.FORBIDDEN, "NOT_A_LEADER", "You are not a leader"));
  }
}
