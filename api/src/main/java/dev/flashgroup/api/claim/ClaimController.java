package dev.flashgroup.api.claim;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.claim.ClaimDraft;
import dev.flashgroup.engine.claim.Claims;
import dev.flashgroup.engine.claim.Filing;
import dev.flashgroup.engine.order.Orders;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A buyer files after-sales claims on their own picked-up orders and sees them. */
@RestController
class ClaimController {

  /** Order ids are {@code <activity>-<sequence>}; anything else names no order (404 without a query). */
  static final Pattern ORDER_ID = Pattern.compile("[1-9][0-9]{0,15}-[1-9][0-9]{0,15}");

  record Claimed(List<ClaimView> claims) {}

  private final Claims claims;
  private final Orders orders;

  ClaimController(Claims claims, Orders orders) {
    this.claims = claims;
    this.orders = orders;
  }

  @PostMapping("/api/v1/orders/{orderId}/claims")
  Mono<ResponseEntity<ClaimView>> file(@PathVariable String orderId, @RequestBody ClaimDraft draft,
      JwtAuthenticationToken auth) {
    if (!ORDER_ID.matcher(orderId).matches()) {
      return Mono.just(Problems.notFound("order", orderId));
    }
    return claims.file(orderId, auth.getName(), draft).map(filing -> answer(orderId, filing));
  }

  @GetMapping("/api/v1/orders/{orderId}/claims")
  Mono<ResponseEntity<Claimed>> list(@PathVariable String orderId, JwtAuthenticationToken auth) {
    if (!ORDER_ID.matcher(orderId).matches()) {
      return Mono.just(Problems.notFound("order", orderId));
    }
    Caller caller = Caller.of(auth);
    return orders.find(orderId)
        .flatMap(order -> caller.owns(order.buyerId())
            ? claims.ofOrder(orderId).map(c -> ClaimView.of(c, false)).collectList()
                .map(list -> ResponseEntity.ok(new Claimed(list)))
            : Mono.just(Problems.<Claimed>forbidden("This order belongs to another buyer")))
        .defaultIfEmpty(Problems.notFound("order", orderId));
  }

  private static ResponseEntity<ClaimView> answer(String orderId, Filing filing) {
    if (filing instanceof Filing.Filed filed) {
      return ResponseEntity.status(HttpStatus.CREATED).body(ClaimView.of(filed.claim(), false));
    }
    if (filing instanceof Filing.NotYours) {
      return Problems.forbidden("This order belongs to another buyer");
    }
    if (filing instanceof Filing.NotPickedUp notPickedUp) {
      return Problems.response(HttpStatus.CONFLICT, "NOT_PICKED_UP",
          "Only a picked-up order takes claims; this one is " + notPickedUp.status());
    }
    if (filing instanceof Filing.WindowClosed closed) {
      return Problems.response(HttpStatus.CONFLICT, "CLAIM_WINDOW_CLOSED",
          "Claims on this order closed at " + closed.closedAt(), "closedAt", closed.closedAt().toString());
    }
    if (filing instanceof Filing.AboveRefundable above) {
      return Problems.response(HttpStatus.BAD_REQUEST, "ABOVE_REFUNDABLE",
          "At most " + above.refundable() + " fen of this order can still be claimed", "refundable", above.refundable());
    }
    if (filing instanceof Filing.TooManyClaims tooMany) {
      return Problems.response(HttpStatus.CONFLICT, "CLAIM_LIMIT_REACHED",
          "This order already took " + tooMany.limit() + " claims, the most one order takes", "limit", tooMany.limit());
    }
    return Problems.notFound("order", orderId);
  }
}
