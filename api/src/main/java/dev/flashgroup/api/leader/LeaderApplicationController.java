package dev.flashgroup.api.leader;

import dev.flashgroup.api.leader.LeaderViews.ApplicationView;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.leader.Applied;
import dev.flashgroup.engine.leader.ApplicationDraft;
import dev.flashgroup.engine.leader.Leaders;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A buyer applies to become a leader (团长申请); an admin decides. */
@RestController
class LeaderApplicationController {

  record ApplicationRequest(String name, String phone, String kind, Long pointId, String communityName, String note) {}

  private final Leaders leaders;

  LeaderApplicationController(Leaders leaders) {
    this.leaders = leaders;
  }

  @PostMapping("/api/v1/leader-applications")
  Mono<ResponseEntity<ApplicationView>> apply(@RequestBody ApplicationRequest request, JwtAuthenticationToken auth) {
    var draft = new ApplicationDraft(request.name(), request.phone(), request.kind(), request.pointId(),
        request.communityName(), request.note());
    return leaders.apply(auth.getName(), draft).map(LeaderApplicationController::respond);
  }

  private static ResponseEntity<ApplicationView> respond(Applied applied) {
    if (applied instanceof Applied.Submitted s) {
      return ResponseEntity.created(URI.create("/api/v1/admin/leader-applications/" + s.application().id()))
          .body(ApplicationView.of(s.application()));
    }
    if (applied instanceof Applied.UnknownPoint p) {
      return Problems.response(HttpStatus.UNPROCESSABLE_CONTENT, "UNKNOWN_PICKUP_POINT",
          "No active pickup point has id " + p.pointId());
    }
    if (applied instanceof Applied.AlreadyLeader) {
      return Problems.response(HttpStatus.CONFLICT, "ALREADY_LEADER", "You already are a leader");
    }
    return Problems.response(HttpStatus.CONFLICT, "APPLICATION_EXISTS",
        "You already have an application waiting for a decision");
  }
}
