package dev.flashgroup.api.alert;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.alert.InvalidWebhookUrl;
import dev.flashgroup.engine.alert.Webhooks;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A merchant sets the URL its low-stock alerts are POSTed to. The answer carries a new signing
 * secret, shown this once (docs/alerts.md); setting the URL again makes another. Webhooks belong to
 * merchants: an admin's token is refused (403).
 */
@RestController
class MerchantWebhookController {

  /** {@code {url}}. */
  record WebhookRequest(String url) {}

  /** The URL as stored, and the secret deliveries are signed with. */
  record WebhookAnswer(String url, String secret) {}

  private final Webhooks webhooks;

  MerchantWebhookController(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  @PutMapping("/api/v1/merchant/webhook")
  Mono<ResponseEntity<WebhookAnswer>> configure(@RequestBody WebhookRequest body, JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    if (caller.admin()) {
      return Mono.just(Problems.forbidden("A webhook belongs to a merchant: sign in as the merchant"));
    }
    return webhooks.configure(caller.subject(), body.url())
        .map(configured -> ResponseEntity.ok()
            // The secret is shown once: no cache may keep the answer.
            .header("Cache-Control", "no-store")
            .body(new WebhookAnswer(configured.url(), configured.secret())))
        .onErrorMap(InvalidWebhookUrl.class, e -> new InvalidField("url", e.getMessage()));
  }
}
