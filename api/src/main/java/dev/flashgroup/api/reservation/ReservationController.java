package dev.flashgroup.api.reservation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flashgroup.api.web.IdempotencyKeys;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.leader.LeaderDirectory;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.reservation.Attribution;
import dev.flashgroup.engine.reservation.Refusal;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import java.net.URI;
import java.time.Instant;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Open a group, join a group, buy alone. Each request is one Redis round trip; the buyer is the
 * token's subject. An Idempotency-Key makes a retried request get its first answer again.
 */
@RestController
class ReservationController {

  private static final String IDEMPOTENCY_KEY = IdempotencyKeys.HEADER;

  /** 201 body; {@code groupId} is absent for a solo order. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Reservation(String groupId, String orderId, long amount, Instant payBy) {}

  /**
   * The optional body: where the buyer collects (required by an activity with pickup points) and
   * who shared the activity ({@code referrer}, a token subject: the share path's {@code referrer}).
   */
  record PickupChoice(Long pickupPointId, String referrer) {

    static final PickupChoice NONE = new PickupChoice(null, null);

    static PickupChoice of(PickupChoice choice) {
      if (choice == null) {
        return NONE;
      }
      Long point = choice.pickupPointId();
      if (point != null && (point < 1 || point > ActivityDraft.MAX_POINT_ID)) {
        throw new InvalidField("pickupPointId", "must be a pickup point id between 1 and " + ActivityDraft.MAX_POINT_ID);
      }
      if (choice.referrer() != null && !PickupPoints.SUBJECT.matcher(choice.referrer()).matches()) {
        throw new InvalidField("referrer", "must be 1-64 characters of [A-Za-z0-9._:-] (a buyer id)");
      }
      return choice;
    }
  }

  private final Reservations reservations;
  private final LeaderDirectory leaders;

  ReservationController(Reservations reservations, LeaderDirectory leaders) {
    this.reservations = reservations;
    this.leaders = leaders;
  }

  private Attribution attribution(JwtAuthenticationToken auth, PickupChoice choice) {
    return leaders.candidates(auth.getName(), choice.referrer(), choice.pickupPointId());
  }

  @PostMapping("/api/v1/activities/{activityId}/groups")
  Mono<ResponseEntity<Reservation>> openGroup(@PathVariable long activityId, JwtAuthenticationToken auth,
      @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody(required = false) Mono<PickupChoice> pickup, ServerHttpRequest request) {
    String idem = IdempotencyKeys.checked(key);
    return choice(request, pickup).flatMap(c -> inActivity(activityId,
        id -> reservations.openGroup(id, auth.getName(), idem, c.pickupPointId(), attribution(auth, c))));
  }

  @PostMapping("/api/v1/activities/{activityId}/groups/match")
  Mono<ResponseEntity<Reservation>> match(@PathVariable long activityId, JwtAuthenticationToken auth,
      @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody(required = false) Mono<PickupChoice> pickup, ServerHttpRequest request) {
    String idem = IdempotencyKeys.checked(key);
    return choice(request, pickup).flatMap(c -> inActivity(activityId,
        id -> reservations.match(id, auth.getName(), idem, c.pickupPointId(), attribution(auth, c))));
  }

  @PostMapping("/api/v1/groups/{groupId}/members")
  Mono<ResponseEntity<Reservation>> joinGroup(@PathVariable String groupId, JwtAuthenticationToken auth,
      @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody(required = false) Mono<PickupChoice> pickup, ServerHttpRequest request) {
    String idem = IdempotencyKeys.checked(key);
    return choice(request, pickup).flatMap(c ->
        reservations.joinGroup(groupId, auth.getName(), idem, c.pickupPointId(), attribution(auth, c))
            .map(this::respond));
  }

  @PostMapping("/api/v1/activities/{activityId}/orders")
  Mono<ResponseEntity<Reservation>> buyAlone(@PathVariable long activityId, JwtAuthenticationToken auth,
      @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody(required = false) Mono<PickupChoice> pickup, ServerHttpRequest request) {
    String idem = IdempotencyKeys.checked(key);
    return choice(request, pickup).flatMap(c -> inActivity(activityId,
        id -> reservations.buyAlone(id, auth.getName(), idem, c.pickupPointId(), attribution(auth, c))));
  }

  /**
   * The pickup point and referrer the body names, if any. Most buyers of the spike send no body at all: then
   * no body is read or decoded at all, so the spike's requests pay nothing for it.
   */
  private static Mono<PickupChoice> choice(ServerHttpRequest request, Mono<PickupChoice> body) {
    HttpHeaders headers = request.getHeaders();
    if (headers.getContentLength() <= 0 && !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
      return NO_CHOICE;
    }
    return body.map(PickupChoice::of).defaultIfEmpty(PickupChoice.NONE);
  }

  private static final Mono<PickupChoice> NO_CHOICE = Mono.just(PickupChoice.NONE);

  private Mono<ResponseEntity<Reservation>> inActivity(long activityId,
      Function<ActivityId, Mono<ReservationOutcome>> reserve) {
    if (activityId <= 0) {
      return Mono.just(Problems.notFound("activity", Long.toString(activityId)));
    }
    return reserve.apply(new ActivityId(activityId)).map(this::respond);
  }

  private ResponseEntity<Reservation> respond(ReservationOutcome outcome) {
    if (outcome instanceof ReservationOutcome.Reserved r) {
      return ResponseEntity.created(URI.create("/api/v1/orders/" + r.orderId()))
          .body(new Reservation(r.groupId(), r.orderId(), r.amount(), r.payBy()));
    }
    if (outcome instanceof ReservationOutcome.Refused refused) {
      // Not naming a point is a request the client must change, not a state of the sale.
      HttpStatus status = refused.reason() == Refusal.PICKUP_POINT_REQUIRED ? HttpStatus.BAD_REQUEST : HttpStatus.CONFLICT;
      return Problems.response(status, refused.reason().name(), RefusalText.of(refused.reason()));
    }
    if (outcome instanceof ReservationOutcome.Throttled throttled) {
      return Problems.tooManyRequests(throttled.retryAfter(), "Too many reservation attempts this second");
    }
    if (outcome instanceof ReservationOutcome.Unavailable unavailable) {
      return Problems.unavailable(unavailable.retryAfter(), unavailable.why());
    }
    if (outcome instanceof ReservationOutcome.KeyReused) {
      return Problems.response(HttpStatus.UNPROCESSABLE_CONTENT, "IDEMPOTENCY_KEY_REUSED",
          "This Idempotency-Key already answered another request; use a new key for a new request");
    }
    ReservationOutcome.Unknown unknown = (ReservationOutcome.Unknown) outcome;
    return Problems.notFound(unknown.what(), unknown.id());
  }
}
