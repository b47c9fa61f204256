package dev.flashgroup.api.claim;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.claim.ClaimDecision;
import dev.flashgroup.engine.claim.ClaimStatus;
import dev.flashgroup.engine.claim.Claims;
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

/**
 * The merchant's after-sales desk: the claims on its activities' orders (an admin's: everyone's),
 * approval (optionally for less than asked) and rejection with a reason; each claim decided once.
 */
@RestController
@RequestMapping("/api/v1/merchant/claims")
class MerchantClaimController {

  record Approval(Long amount) {}

  record Rejection(String reason) {}

  /** {@code next}: pass as {@code cursor} for the following page; null on the last. */
  record ClaimPage(List<ClaimView> claims, Long next) {}

  private final Claims claims;

  MerchantClaimController(Claims claims) {
    this.claims = claims;
  }

  @GetMapping
  Mono<ClaimPage> list(@RequestParam(required = false) String status, @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String limit, JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    ClaimStatus wanted = status(status);
    long before = number("cursor", cursor, 0, Long.MAX_VALUE / 2, 0);
    int size = (int) number("limit", limit, 1, Claims.MAX_PAGE, 50);
    return claims.list(caller.admin() ? null : caller.subject(), wanted, before, size)
        .map(c -> ClaimView.of(c, true)).collectList()
        .map(page -> new ClaimPage(page, page.size() < size ? null : page.get(page.size() - 1).id()));
  }

  @PostMapping("/{id}/approval")
  Mono<ResponseEntity<ClaimView>> approve(@PathVariable String id, @RequestBody(required = false) Approval body,
      JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    long claimId = claimId(id);
    return claims.approve(claimId, caller.admin() ? null : caller.subject(), caller.subject(),
        body == null ? null : body.amount()).map(decision -> answer(claimId, decision));
  }

  @PostMapping("/{id}/rejection")
  Mono<ResponseEntity<ClaimView>> reject(@PathVariable String id, @RequestBody Rejection body,
      JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    long claimId = claimId(id);
    return claims.reject(claimId, caller.admin() ? null : caller.subject(), caller.subject(), body.reason())
        .map(decision -> answer(claimId, decision));
  }

  private static ResponseEntity<ClaimView> answer(long id, ClaimDecision decision) {
    if (decision instanceof ClaimDecision.Done done) {
      return ResponseEntity.ok(ClaimView.of(done.claim(), true));
    }
    if (decision instanceof ClaimDecision.AlreadyDecided already) {
      return Problems.response(HttpStatus.CONFLICT, "ALREADY_DECIDED",
          "The claim was already decided: " + already.claim().status(), "claimStatus", already.claim().status().name());
    }
    if (decision instanceof ClaimDecision.AboveAsked above) {
      return Problems.response(HttpStatus.BAD_REQUEST, "ABOVE_CLAIMED",
          "An approval may lower the amount, not raise it above the " + above.asked() + " fen asked", "asked",
          above.asked());
    }
    if (decision instanceof ClaimDecision.NotYours) {
      return Problems.forbidden("This claim is on another merchant's order");
    }
    return Problems.notFound("claim", Long.toString(id));
  }

  private static long claimId(String value) {
    if (!value.matches("[1-9][0-9]{0,15}")) {
      throw new InvalidField("id", "must be a claim id");
    }
    return Long.parseLong(value);
  }

  private static ClaimStatus status(String value) {
    if (value == null) {
      return null;
    }
    try {
      return ClaimStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidField("status", "must be one of " + java.util.Arrays.toString(ClaimStatus.values()));
    }
  }

  private static long number(String field, String value, long min, long max, long otherwise) {
    if (value == null) {
      return otherwise;
    }
    if (!value.matches("[0-9]{1,16}") || Long.parseLong(value) < min || Long.parseLong(value) > max) {
      throw new InvalidField(field, "must be a whole number between " + min + " and " + max);
    }
    return Long.parseLong(value);
  }
}
