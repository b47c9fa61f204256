package dev.flashgroup.engine.alert;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A merchant's webhook: the URL its alerts are POSTed to, and the secret they are signed with
 * ({@link WebhookSignature}). Setting the URL always makes a new secret, which is answered once and
 * never shown again: a merchant who lost it sets the URL again (and so rotates the secret).
 */
@Component
public class Webhooks {

  /** What the merchant gets back: the URL as stored and the new secret. */
  public record Configured(String url, String secret) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final DatabaseClient db;
  private final WebhookSettings settings;
  private final Clock clock;

  Webhooks(DatabaseClient db, WebhookSettings settings, Clock clock) {
    this.db = db;
    this.settings = settings;
    this.clock = clock;
  }

  /** Sets the merchant's webhook; an {@link InvalidWebhookUrl} error for a URL flashgroup will not call. */
  public Mono<Configured> configure(String merchantId, String url) {
    return WebhookUrls.check(url, settings)
        // The random source may read the OS entropy pool (a file): off the event loop.
        .flatMap(checked -> Mono.fromCallable(Webhooks::newSecret).subscribeOn(Schedulers.boundedElastic())
            .flatMap(secret -> store(merchantId, checked, secret)));
  }

  private Mono<Configured> store(String merchantId, URI url, String secret) {
    return db.sql("INSERT INTO merchant_webhooks (merchant_id, url, secret, updated_at) VALUES (:merchant, :url,"
            + " :secret, :now) ON DUPLICATE KEY UPDATE url = VALUES(url), secret = VALUES(secret),"
            + " updated_at = VALUES(updated_at)")
        .bind("merchant", merchantId)
        .bind("url", url.toString())
        .bind("secret", secret)
        .bind("now", utc(clock.instant()))
        .then()
        .thenReturn(new Configured(url.toString(), secret));
  }

  /** 32 random bytes, hex: 256 bits for HMAC-SHA256. */
  private static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "whsec_" + HexFormat.of().formatHex(bytes);
  }
}
