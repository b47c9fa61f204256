package dev.flashgroup.engine.alert;

import dev.flashgroup.engine.schedule.RepeatingJob;
import io.netty.channel.ChannelOption;
import io.r2dbc.spi.R2dbcException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;
import reactor.netty.transport.NameResolverProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs each queued alert to its merchant's webhook, signed ({@link WebhookSignature}), from the
 * {@code webhook_deliveries} outbox. Each round claims due deliveries with a lease
 * ({@link WebhookDeliveries}) and starts their sends without waiting for them: every send runs on
 * its own, bounded by the timeout, so a slow or dead receiver holds one of {@code concurrency}
 * places and delays nobody else's alerts, and nothing here ever waits on a thread. The client is
 * Reactor Netty's (what Spring's WebClient runs on; the engine keeps off Spring's web classes). A send answered
 * 2xx is DELIVERED; anything else (an error status, a timeout, a refused connection) is due again
 * after an exponential backoff, until the last attempt (FAILED). An instance that dies mid-send
 * leaves the lease to run out; the delivery is then sent again, with the same alert id in
 * {@value WebhookSignature#ID_HEADER}, for the receiver to drop the duplicate.
 */
@Component
class WebhookSender extends RepeatingJob {

  private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** What the receiver gets: the alert as the listing shows it, and its kind. */
  record Body(String type, String id, long activityId, Long pointId, long remaining, long safetyStock, String at) {

    static Body of(StockAlert a) {
      return new Body("STOCK_LOW", a.id(), a.activityId(), a.pointId(), a.remaining(), a.safetyStock(),
          a.at().toString());
    }
  }

  private final WebhookDeliveries deliveries;
  private final WebhookSettings settings;
  private final Clock clock;
  private final HttpClient client;
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Lease owners: this instance's random prefix and a round number (no SecureRandom on the event loop). */
  private final String instance = Long.toHexString(ThreadLocalRandom.current().nextLong());
  private final AtomicLong rounds = new AtomicLong();

  WebhookSender(WebhookDeliveries deliveries, WebhookSettings settings, Clock clock) {
    this.deliveries = deliveries;
    this.settings = settings;
    this.clock = clock;
    this.client = client(settings);
  }

  /**
   * The client: no redirects followed (the default), so a receiver cannot bounce the platform to
   * another host; unless private addresses are allowed, the URL's host, judged when the merchant set
   * it, is judged again on every connection against what it resolves to then (DNS rebinding).
   */
  static HttpClient client(WebhookSettings settings) {
    HttpClient client = HttpClient.create()
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .responseTimeout(settings.timeout())
        .followRedirect(false);
    return settings.allowPrivateAddresses() ? client
        // The delegate: the DNS resolver HttpClient makes by default, on the same loops.
        : client.resolver(new PublicAddresses(NameResolverProvider.builder().build()
            .newNameResolverGroup(HttpResources.get(), LoopResources.DEFAULT_NATIVE)));
  }

  @Override
  protected boolean enabled() {
    return settings.enabled();
  }

  @Override
  protected Duration pause() {
    return settings.interval();
  }

  /** Claims what free places allow and starts those sends; answers how many it started. */
  @Override
  protected Mono<?> round() {
    int free = settings.concurrency() - inFlight.get();
    if (free <= 0) {
      return Mono.just(0L);
    }
    String owner = instance + "-" + rounds.incrementAndGet();
    Instant now = clock.instant();
    return deliveries.claim(owner, now, now.plus(settings.lease()), free, settings.perMerchant())
        .doOnNext(claimed -> {
          inFlight.incrementAndGet();
          send(owner, claimed).doFinally(signal -> inFlight.decrementAndGet()).subscribe();
        })
        .count()
        .onErrorResume(WebhookSender::databaseGone, e -> {
          log.debug("webhook outbox gone, nothing to send: {}", e.toString());
          return Mono.just(0L);
        });
  }

  /**
   * The outbox's table or database does not exist (MySQL 1146, 1049): a test's database dropped
   * before its context closed, not a failing round. Flyway creates the table before the sender starts.
   */
  static boolean databaseGone(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof R2dbcException r && (r.getErrorCode() == 1146 || r.getErrorCode() == 1049)) {
        return true;
      }
    }
    return false;
  }

  private Mono<Void> send(String owner, WebhookDeliveries.Claimed d) {
    String alertId = d.alert().id();
    if (d.url() == null) {
      // The merchant removed the webhook row (not possible through the API today): nowhere to send.
      return deliveries.failed(alertId, owner, "no webhook configured", null);
    }
    byte[] body = JSON.writeValueAsBytes(Body.of(d.alert()));
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    String signature = WebhookSignature.sign(d.secret(), timestamp, body);
    return client
        .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .set(WebhookSignature.TIMESTAMP_HEADER, timestamp)
            .set(WebhookSignature.SIGNATURE_HEADER, signature)
            .set(WebhookSignature.ID_HEADER, alertId))
        .post().uri(d.url())
        .send(ByteBufFlux.fromInbound(Mono.just(body)))
        // Only the status counts: response() drops the answer's body, so a receiver cannot make it big.
        .response()
        .map(response -> response.status().code())
        .timeout(settings.timeout())
        .map(status -> status >= 200 && status < 300 ? "" : "answered " + status)
        .onErrorResume(e -> Mono.just(e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage())))
        .flatMap(error -> error.isEmpty() ? deliveries.delivered(alertId, owner, clock.instant())
            : retryLater(owner, d, error))
        .onErrorResume(e -> {
          if (databaseGone(e)) {
            return Mono.empty();
          }
          // The outcome could not be recorded: the lease runs out and the delivery is sent again.
          log.warn("recording the webhook delivery of alert {} failed: {}", alertId, e.toString());
          return Mono.empty();
        });
  }

  private Mono<Void> retryLater(String owner, WebhookDeliveries.Claimed d, String error) {
    int failures = d.attempts() + 1;
    Instant next = failures >= settings.attempts() ? null : clock.instant().plus(settings.delayAfter(failures));
    if (next == null) {
      log.warn("webhook delivery of alert {} given up after {} attempts: {}", d.alert().id(), failures, error);
    }
    return deliveries.failed(d.alert().id(), owner, error, next);
  }
}
