package dev.flashgroup.api.payment;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.payment.PaymentGateway.PaymentStart;
import dev.flashgroup.engine.payment.PaymentOutcome;
import dev.flashgroup.engine.payment.Payments;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Starts paying for a reserved order through the configured payment gateway. */
@RestController
class PaymentController {

  private final Payments payments;

  PaymentController(Payments payments) {
    this.payments = payments;
  }

  @PostMapping("/api/v1/orders/{orderId}/payment")
  Mono<ResponseEntity<PaymentStart>> pay(@PathVariable String orderId, JwtAuthenticationToken auth) {
    return payments.start(orderId, auth.getName()).map(outcome -> respond(orderId, outcome));
  }

  private static ResponseEntity<PaymentStart> respond(String orderId, PaymentOutcome outcome) {
    if (outcome instanceof PaymentOutcome.Started started) {
      return ResponseEntity.ok(started.start());
    }
    if (outcome instanceof PaymentOutcome.NotPayable notPayable) {
      return Problems.response(HttpStatus.CONFLICT, "NOT_PAYABLE",
          "The order is " + notPayable.status() + " and cannot be paid");
    }
    if (outcome instanceof PaymentOutcome.GroupClosing closing) {
      return Problems.response(HttpStatus.CONFLICT, "NOT_PAYABLE",
          "Group " + closing.groupId() + " can no longer fill (its deadline or the activity's end passed); it will fail");
    }
    if (outcome instanceof PaymentOutcome.NotYours) {
      return Problems.forbidden("This order belongs to another buyer");
    }
    return Problems.notFound("order", orderId);
  }
}
