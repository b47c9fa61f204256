package dev.flashgroup.api.payment;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.engine.payment.AbnormalRefunds;
import dev.flashgroup.engine.payment.AbnormalRefunds.AbnormalRefund;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** Refunds that need a person: a merchant sees those of its activities, an admin all of them. */
@RestController
class AbnormalRefundController {

  private final AbnormalRefunds refunds;

  AbnormalRefundController(AbnormalRefunds refunds) {
    this.refunds = refunds;
  }

  @GetMapping("/api/v1/merchant/refunds/abnormal")
  Flux<AbnormalRefund> abnormal(JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    return refunds.list(caller.admin() ? null : caller.subject());
  }
}
