package dev.flashgroup.api.activity;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.activity.ActivityFigures;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.activity.ActivityScheduling;
import java.net.URI;
import java.time.Clock;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Merchants schedule flash groups and watch them. A merchant sees only its own activities. */
@RestController
@RequestMapping("/api/v1/merchant/activities")
class MerchantActivityController {

  private final ActivityScheduling scheduling;
  private final Activities activities;
  private final ActivityFigures figures;
  private final Clock clock;

  MerchantActivityController(ActivityScheduling scheduling, Activities activities, ActivityFigures figures,
      Clock clock) {
    this.scheduling = scheduling;
    this.activities = activities;
    this.figures = figures;
    this.clock = clock;
  }

  @PostMapping
  Mono<ResponseEntity<ActivityResponse>> schedule(@RequestBody ActivityRequest request, JwtAuthenticationToken auth) {
    return scheduling.schedule(auth.getName(), request.toDraft())
        .map(a -> ResponseEntity.created(URI.create("/api/v1/merchant/activities/" + a.id()))
            .body(ActivityResponse.of(a, clock.instant(), null)));
  }

  @GetMapping
  Flux<ActivityResponse> mine(JwtAuthenticationToken auth) {
    return activities.ofMerchant(auth.getName()).map(a -> ActivityResponse.of(a, clock.instant(), null));
  }

  @GetMapping("/{id}")
  Mono<ResponseEntity<ActivityResponse>> show(@PathVariable long id, JwtAuthenticationToken auth) {
    if (id <= 0) {
      return Mono.just(Problems.notFound("activity", Long.toString(id)));
    }
    Caller caller = Caller.of(auth);
    return activities.find(new ActivityId(id))
        .flatMap(a -> caller.owns(a.merchantId())
            ? figures.of(a).map(f -> ResponseEntity.ok(ActivityResponse.of(a, clock.instant(), f)))
            : Mono.just(Problems.<ActivityResponse>forbidden("This activity belongs to another merchant")))
        .defaultIfEmpty(Problems.notFound("activity", Long.toString(id)));
  }
}
