package dev.flashgroup.api.fulfilment;

import dev.flashgroup.api.pickup.PointAccess;
import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.fulfilment.Verification;
import dev.flashgroup.engine.fulfilment.Verifications;
import dev.flashgroup.engine.pickup.PickupPoints;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Verification (核销): a point's staff scans a buyer's pickup code and hands the order out. Every
 * attempt is recorded; admins list a point's attempts to settle a disputed pickup.
 */
@RestController
class VerificationController {

  /** The code as the buyer shows it: digits only. */
  record VerificationRequest(String code) {}

  /** {@code buyer} is masked: the staff sees enough to match the person, not their id. */
  record Verified(String orderId, String buyer, String title, int units, Instant verifiedAt) {}

  record Attempts(List<Verifications.Attempt> verifications, Long next) {}

  private final Verifications verifications;
  private final PointAccess access;
  private final PickupPoints points;

  VerificationController(Verifications verifications, PointAccess access, PickupPoints points) {
    this.verifications = verifications;
    this.access = access;
    this.points = points;
  }

  /** STAFF bound to the point, or ADMIN. */
  @PostMapping("/api/v1/pickup-points/{pointId}/verifications")
  Mono<ResponseEntity<Object>> verify(@PathVariable String pointId, @RequestBody(required = false)
      VerificationRequest request, JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    Long point = pointId(pointId);
    if (point == null) {
      return Mono.just(Problems.notFound("pickup point", pointId));
    }
    String code = request == null ? null : request.code();
    // An unknown point is answered before anything is recorded: the log holds real points only.
    return points.find(point)
        .flatMap(found -> access.check(caller, point)
            .then(Mono.defer(() -> verifications.verify(point, caller.subject(), code)))
            .onErrorResume(PointAccess.NotPointStaff.class, refused -> verifications
                .refusedStaff(point, caller.subject(), code).switchIfEmpty(Mono.error(refused))))
        .map(VerificationController::answer)
        .defaultIfEmpty(Problems.notFound("pickup point", pointId));
  }

  /** A point's attempts, newest first: {@code before} is the {@code next} of the page before. */
  @GetMapping("/api/v1/admin/pickup-points/{id}/verifications")
  Mono<ResponseEntity<Attempts>> attempts(@PathVariable("id") String pointId,
      @RequestParam(required = false) String before, @RequestParam(required = false) String limit) {
    Long point = pointId(pointId);
    if (point == null) {
      return Mono.just(Problems.notFound("pickup point", pointId));
    }
    Long beforeId = before == null ? null : bounded("before", before, Long.MAX_VALUE);
    int size = limit == null ? 50 : bounded("limit", limit, Verifications.MAX_LIST).intValue();
    return verifications.of(point, beforeId, size).collectList()
        .map(found -> ResponseEntity.ok(new Attempts(found,
            found.size() < size ? null : found.get(found.size() - 1).id())));
  }

  private static Long pointId(String text) {
    if (!text.matches("[1-9][0-9]{0,15}") || Long.parseLong(text) > ActivityDraft.MAX_POINT_ID) {
      return null;
    }
    return Long.parseLong(text);
  }

  private static Long bounded(String field, String text, long max) {
    try {
      long value = text.matches("[1-9][0-9]{0,18}") ? Long.parseLong(text) : 0;
      if (value >= 1 && value <= max) {
        return value;
      }
    } catch (NumberFormatException tooLarge) {
      // Nineteen digits above Long.MAX_VALUE: out of bounds like any other.
    }
    throw new InvalidField(field, "must be a whole number between 1 and " + max);
  }

  private static ResponseEntity<Object> answer(Verification outcome) {
    if (outcome instanceof Verification.PickedUp done) {
      return ResponseEntity.ok(new Verified(done.orderId(), mask(done.buyerId()), done.title(), done.units(),
          done.verifiedAt()));
    }
    if (outcome instanceof Verification.AlreadyPickedUp before) {
      ProblemDetail problem = Problems.detail(HttpStatus.CONFLICT, "ALREADY_PICKED_UP",
          "This code was verified already, at " + before.verifiedAt());
      problem.setProperty("orderId", before.orderId());
      problem.setProperty("verifiedAt", before.verifiedAt().toString());
      return problem(HttpStatus.CONFLICT, problem);
    }
    if (outcome instanceof Verification.NotCollectable refused) {
      ProblemDetail problem = Problems.detail(HttpStatus.CONFLICT, "NOT_COLLECTABLE",
          "The order is " + refused.status() + " and cannot be handed out");
      problem.setProperty("orderId", refused.orderId());
      return problem(HttpStatus.CONFLICT, problem);
    }
    if (outcome instanceof Verification.TooManyAttempts wait) {
      return Problems.tooManyRequests("TOO_MANY_ATTEMPTS", wait.retryAfter(),
          "Too many unknown or wrong codes from you");
    }
    if (outcome instanceof Verification.Unavailable) {
      return Problems.unavailable(Duration.ofSeconds(2), "The order's activity is being restored; scan again shortly");
    }
    if (outcome instanceof Verification.Malformed) {
      ProblemDetail problem = Problems.detail(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", "code must be 13 to 20 digits");
      problem.setProperty("errors", List.of(Map.of("field", "code", "message", "must be 13 to 20 digits")));
      return problem(HttpStatus.BAD_REQUEST, problem);
    }
    if (outcome instanceof Verification.WrongPoint) {
      return Problems.response(HttpStatus.CONFLICT, "WRONG_POINT", "This code is to be collected at another point");
    }
    return Problems.response(HttpStatus.NOT_FOUND, "UNKNOWN_CODE", "No order holds this code");
  }

  private static ResponseEntity<Object> problem(HttpStatus status, ProblemDetail problem) {
    return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  /** {@code alice-wang} → {@code al***ng}; ids of four characters or fewer show only their first. */
  static String mask(String id) {
    int[] points = id.codePoints().toArray();
    if (points.length <= 4) {
      return Character.toString(points[0]) + "***";
    }
    return new String(points, 0, 2) + "***" + new String(points, points.length - 2, 2);
  }
}
