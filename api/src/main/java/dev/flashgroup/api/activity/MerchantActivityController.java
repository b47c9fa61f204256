package dev.flashgroup.api.activity;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.IdempotencyKeys;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityChange;
import dev.flashgroup.engine.activity.ActivityChanges;
import dev.flashgroup.engine.activity.ActivityFigures;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.AllocationMoves;
import dev.flashgroup.engine.kernel.ActivityId;
import java.net.URI;
import java.time.Clock;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Merchants schedule, edit, cancel, restock and watch their flash groups. Only the owning merchant
 * (or an admin) may see or change an activity.
 */
@RestController
@RequestMapping("/api/v1/merchant/activities")
class MerchantActivityController {

  /** Units to add to an activity's stock. */
  record StockRequest(Integer units) {}

  /** Units to move from one pickup point's share to another's. */
  record AllocationRequest(Long from, Long to, Integer units) {}

  /** The two points after a move: their shares and the free part of each. */
  record AllocationResponse(long id, ActivityChange.PointFigures from, ActivityChange.PointFigures to) {}

  /** The stock after a change: the total ever offered and what is for sale now. */
  record StockResponse(long id, int stock, int remainingStock) {}

  private final ActivityScheduling scheduling;
  private final ActivityChanges changes;
  private final Activities activities;
  private final ActivityFigures figures;
  private final Clock clock;
  private final AllocationMoves moves;

  MerchantActivityController(ActivityScheduling scheduling, ActivityChanges changes, Activities activities,
      ActivityFigures figures, Clock clock, AllocationMoves moves) {
    this.moves = moves;
    this.scheduling = scheduling;
    this.changes = changes;
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

  /** {@code ?status=SCHEDULED|RUNNING|ENDED|CANCELLED&date=2026-11-24&zone=Asia/Shanghai}, all optional. */
  @GetMapping
  Flux<ActivityResponse> mine(ListingQuery query, JwtAuthenticationToken auth) {
    return Mono.fromSupplier(query::toFilter)
        .flatMapMany(filter -> activities.ofMerchant(auth.getName(), filter))
        .map(a -> ActivityResponse.of(a, clock.instant(), null));
  }

  @GetMapping("/{id}")
  Mono<ResponseEntity<ActivityResponse>> show(@PathVariable long id, JwtAuthenticationToken auth) {
    return owned(id, auth, a -> figures.of(a).map(f -> ResponseEntity.ok(ActivityResponse.of(a, clock.instant(), f))));
  }

  /** Replaces the terms of an activity that has not started. */
  @PutMapping("/{id}")
  Mono<ResponseEntity<ActivityResponse>> edit(@PathVariable long id, @RequestBody ActivityRequest request,
      JwtAuthenticationToken auth) {
    return owned(id, auth, a -> changes.edit(a.id(), request.toDraft()).map(this::answer));
  }

  /** Cancels an activity, before or after it opened: no new reservations; open groups fail and refund. */
  @PostMapping("/{id}/cancellation")
  Mono<ResponseEntity<ActivityResponse>> cancel(@PathVariable long id, JwtAuthenticationToken auth) {
    return owned(id, auth, a -> changes.cancel(a.id()).map(this::answer));
  }

  /** Adds stock; a repeated {@code Idempotency-Key} adds nothing twice. */
  @PostMapping("/{id}/stock")
  Mono<ResponseEntity<StockResponse>> addStock(@PathVariable long id, @RequestBody StockRequest request,
      @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey,
      JwtAuthenticationToken auth) {
    int units = request.units() == null ? 0 : request.units();
    String key = IdempotencyKeys.checked(idempotencyKey);
    return owned(id, auth, a -> changes.addStock(a.id(), units, key).map(change -> {
      if (change instanceof ActivityChange.Restocked restocked) {
        return ResponseEntity.ok(new StockResponse(id, restocked.activity().stock(), restocked.remainingStock()));
      }
      return refusal(change);
    }));
  }

  /** Moves free units between two pickup points; a repeated {@code Idempotency-Key} moves nothing twice. */
  @PostMapping("/{id}/allocation")
  Mono<ResponseEntity<AllocationResponse>> moveAllocation(@PathVariable long id, @RequestBody AllocationRequest request,
      @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey,
      JwtAuthenticationToken auth) {
    String key = IdempotencyKeys.checked(idempotencyKey);
    return owned(id, auth, a -> moves.move(a.id(), request.from(), request.to(), request.units(), key).map(change -> {
      if (change instanceof ActivityChange.Reallocated moved) {
        return ResponseEntity.ok(new AllocationResponse(id, moved.from(), moved.to()));
      }
      return refusal(change);
    }));
  }

  private ResponseEntity<ActivityResponse> answer(ActivityChange change) {
    if (change instanceof ActivityChange.Changed changed) {
      return ResponseEntity.ok(ActivityResponse.of(changed.activity(), clock.instant(), null));
    }
    return refusal(change);
  }

  private static <T> ResponseEntity<T> refusal(ActivityChange change) {
    if (!(change instanceof ActivityChange.Refused refused)) {
      throw new IllegalStateException("unexpected change outcome " + change);
    }
    String detail = switch (refused.reason()) {
      case ACTIVITY_STARTED -> "The activity has started; its terms can no longer be edited";
      case ACTIVITY_CANCELLED -> "The activity is cancelled";
      case ACTIVITY_ENDED -> "The activity has ended";
      case IDEMPOTENCY_KEY_REUSED -> "This Idempotency-Key already made another change; use a new key for a new change";
      case NOT_ALLOCATED -> "The activity has no pickup points to move allocation between";
      case PICKUP_POINT_NOT_SERVED -> "The activity does not deliver to that pickup point";
      case NOT_ENOUGH_UNITS -> "The point units are moved from has fewer free units";
      case POINT_CLOSED -> "The pickup point units would move to is deactivated and takes no reservations";
      case ALLOCATED_PER_POINT -> "The activity's stock is allocated to pickup points; units added here would belong to none";
      case SHARDS_FIXED -> "The activity's shards are fixed when it is created";
      case SHARDED_ACTIVITY -> "The activity's stock is split into shards; it takes no added stock or allocation moves";
    };
    HttpStatus status = refused.reason() == ActivityChange.Reason.IDEMPOTENCY_KEY_REUSED
        ? HttpStatus.UNPROCESSABLE_CONTENT : HttpStatus.CONFLICT;
    return Problems.response(status, refused.reason().name(), detail);
  }

  /** Runs {@code action} on the activity when the caller owns it; 404 or 403 otherwise. */
  private <T> Mono<ResponseEntity<T>> owned(long id, JwtAuthenticationToken auth,
      Function<Activity, Mono<ResponseEntity<T>>> action) {
    if (id <= 0) {
      return Mono.just(Problems.notFound("activity", Long.toString(id)));
    }
    Caller caller = Caller.of(auth);
    return activities.find(new ActivityId(id))
        .flatMap(a -> caller.owns(a.merchantId())
            ? action.apply(a)
            : Mono.just(Problems.<T>forbidden("This activity belongs to another merchant")))
        .defaultIfEmpty(Problems.notFound("activity", Long.toString(id)));
  }
}
