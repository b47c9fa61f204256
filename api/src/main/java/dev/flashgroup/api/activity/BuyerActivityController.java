package dev.flashgroup.api.activity;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityFigures;
import dev.flashgroup.engine.activity.Tier;
import dev.flashgroup.engine.analytics.ViewerCounter;
import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The buyers' view of an activity: prices, what is left, the window. */
@RestController
class BuyerActivityController {

  record BuyerActivity(long id, String title, String mode, int groupSize, long groupPrice, long soloPrice,
      int remainingStock, int perUserLimit, Instant startsAt, Instant endsAt, String status, List<Tier> tiers,
      int virtualSuccessMissing) {

    static BuyerActivity of(Activity a, int remaining, Instant now) {
      return new BuyerActivity(a.id().value(), a.title(), a.mode().name(), a.groupSize(), a.groupPrice(),
          a.soloPrice(), remaining, a.perUserLimit(), a.startsAt(), a.endsAt(), a.statusAt(now).name(), a.tiers(),
          a.virtualSuccessMissing());
    }
  }

  private final Activities activities;
  private final ActivityFigures figures;
  private final ViewerCounter viewers;
  private final Clock clock;

  BuyerActivityController(Activities activities, ActivityFigures figures, ViewerCounter viewers, Clock clock) {
    this.activities = activities;
    this.figures = figures;
    this.viewers = viewers;
    this.clock = clock;
  }

  /** The page counts its viewer (the token's subject) in the activity's unique viewers, off the request's path. */
  @GetMapping("/api/v1/activities/{id}")
  Mono<ResponseEntity<BuyerActivity>> show(@PathVariable long id, JwtAuthenticationToken auth) {
    if (id <= 0) {
      return Mono.just(Problems.notFound("activity", Long.toString(id)));
    }
    return activities.find(new ActivityId(id))
        .doOnNext(a -> viewers.viewed(a.id(), auth.getName()))
        .flatMap(a -> figures.remainingStock(a).map(left -> ResponseEntity.ok(BuyerActivity.of(a, left, clock.instant()))))
        .defaultIfEmpty(Problems.notFound("activity", Long.toString(id)));
  }
}
