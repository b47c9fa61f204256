package dev.flashgroup.api.leader;

import dev.flashgroup.api.leader.LeaderViews.ApplicationView;
import dev.flashgroup.api.leader.LeaderViews.LeaderView;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.leader.Decided;
import dev.flashgroup.engine.leader.LeaderApplication;
import dev.flashgroup.engine.leader.Leaders;
import dev.flashgroup.engine.leader.Suspended;
import dev.flashgroup.engine.pickup.PickupPoints;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Admins list applications, approve or reject them, and suspend leaders (with a reason). */
@RestController
@RequestMapping("/api/v1/admin")
class LeaderAdminController {

  record Reason(String reason) {}

  /** A page of applications; {@code next} is the cursor of the following page, null on the last. */
  record ApplicationPage(List<ApplicationView> applications, Long next) {}

  private final Leaders leaders;

  LeaderAdminController(Leaders leaders) {
    this.leaders = leaders;
  }

  @GetMapping("/leader-applications")
  Mono<ApplicationPage> list(@RequestParam(required = false) String status,
      @RequestParam(defaultValue = "0") long cursor, @RequestParam(defaultValue = "50") int limit) {
    LeaderApplication.Status wanted = status(status);
    if (cursor < 0) {
      return Mono.error(new InvalidField("cursor", "must be a cursor from an earlier page (0 for the first)"));
    }
    if (limit < 1 || limit > Leaders.MAX_PAGE) {
      return Mono.error(new InvalidField("limit", "must be between 1 and " + Leaders.MAX_PAGE));
    }
    return leaders.applications(wanted, cursor, limit).map(ApplicationView::of).collectList()
        .map(page -> new ApplicationPage(page, page.size() < limit ? null : page.get(page.size() - 1).id()));
  }

  @GetMapping("/leader-applications/{id}")
  Mono<ResponseEntity<ApplicationView>> show(@PathVariable long id) {
    return leaders.application(id).map(a -> ResponseEntity.ok(ApplicationView.of(a)))
        .defaultIfEmpty(Problems.notFound("leader application", Long.toString(id)));
  }

  @PostMapping("/leader-applications/{id}/approval")
  Mono<ResponseEntity<ApplicationView>> approve(@PathVariable long id, JwtAuthenticationToken auth) {
    return leaders.approve(id, auth.getName()).map(decided -> respond(id, decided));
  }

  @PostMapping("/leader-applications/{id}/rejection")
  Mono<ResponseEntity<ApplicationView>> reject(@PathVariable long id, @RequestBody Reason body,
      JwtAuthenticationToken auth) {
    return leaders.reject(id, auth.getName(), body.reason()).map(decided -> respond(id, decided));
  }

  @GetMapping("/leaders/{subject}")
  Mono<ResponseEntity<LeaderView>> leader(@PathVariable String subject) {
    return known(subject).flatMap(s -> leaders.find(s)).map(l -> ResponseEntity.ok(LeaderView.of(l)))
        .defaultIfEmpty(Problems.notFound("leader", subject));
  }

  @PostMapping("/leaders/{subject}/suspension")
  Mono<ResponseEntity<LeaderView>> suspend(@PathVariable String subject, @RequestBody Reason body,
      JwtAuthenticationToken auth) {
    return known(subject).flatMap(s -> leaders.suspend(s, auth.getName(), body.reason()))
        .map(suspended -> {
          if (suspended instanceof Suspended.Done done) {
            return ResponseEntity.ok(LeaderView.of(done.leader()));
          }
          if (suspended instanceof Suspended.AlreadySuspended already) {
            return Problems.<LeaderView>response(HttpStatus.CONFLICT, "ALREADY_SUSPENDED",
                "The leader was suspended before: " + already.leader().suspendedReason());
          }
          return Problems.<LeaderView>notFound("leader", subject);
        })
        .defaultIfEmpty(Problems.notFound("leader", subject));
  }

  /** A subject outside the token alphabet names nobody: 404 without asking MySQL. */
  private static Mono<String> known(String subject) {
    return PickupPoints.SUBJECT.matcher(subject).matches() ? Mono.just(subject) : Mono.empty();
  }

  private static LeaderApplication.Status status(String status) {
    if (status == null) {
      return null;
    }
    try {
      return LeaderApplication.Status.valueOf(status);
    } catch (IllegalArgumentException e) {
      throw new InvalidField("status", "must be PENDING, APPROVED or REJECTED");
    }
  }

  private static ResponseEntity<ApplicationView> respond(long id, Decided decided) {
    if (decided instanceof Decided.Done done) {
      return ResponseEntity.ok(ApplicationView.of(done.application()));
    }
    if (decided instanceof Decided.AlreadyDecided already) {
      return Problems.response(HttpStatus.CONFLICT, "ALREADY_DECIDED", "The application was already " + already.status());
    }
    if (decided instanceof Decided.PointTaken taken) {
      return Problems.response(HttpStatus.CONFLICT, "POINT_HAS_LEADER",
          "Pickup point " + taken.pointId() + " already has a leader");
    }
    return Problems.notFound("leader application", Long.toString(id));
  }
}
