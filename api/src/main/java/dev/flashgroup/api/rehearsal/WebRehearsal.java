package dev.flashgroup.api.rehearsal;

import dev.flashgroup.api.auth.TokenIssuer;
import dev.flashgroup.engine.rehearsal.RehearsalPart;
import dev.flashgroup.engine.rehearsal.RehearsalSettings;
import dev.flashgroup.engine.rehearsal.Scratch;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The web layer's part of the rehearsal: requests to this instance over loopback, on the routes
 * the opening hammers, each with a bearer token of its own buyer (so verifying a new token is
 * rehearsed too), through the whole server path (Netty, the filters, token verification and role
 * check, routing, the controller, a problem detail written as JSON). Every request names an
 * activity or group that cannot exist (activity 0, group {@code 0-1}), which the controller answers
 * 404 before anything is looked up: they touch neither Redis nor MySQL. They are marked
 * ({@link RehearsalRequests}), so no address limit or HTTP metric counts them; their tokens stay in
 * the bounded token cache until buyers' tokens push them out.
 */
@Component
class WebRehearsal implements RehearsalPart {

  private static final Logger log = LoggerFactory.getLogger(WebRehearsal.class);
  /** Distinct buyers (tokens) the requests are spread over. */
  static final int BUYERS = 1000;
  /** The routes, each answered 404 by its controller without a lookup. */
  static final List<String> ROUTES = List.of("/api/v1/activities/0/orders", "/api/v1/activities/0/groups",
      "/api/v1/activities/0/groups/match", "/api/v1/groups/0-1/members");

  private final TokenIssuer tokens;
  private final RehearsalRequests marks;
  private final RehearsalSettings settings;
  private final Clock clock;
  private volatile int port;

  WebRehearsal(TokenIssuer tokens, RehearsalRequests marks, RehearsalSettings settings, Clock clock) {
    this.tokens = tokens;
    this.marks = marks;
    this.settings = settings;
    this.clock = clock;
  }

  @EventListener
  void serving(ReactiveWebServerInitializedEvent event) {
    port = event.getWebServer().getPort();
  }

  @Override
  public String name() {
    return "web";
  }

  /** Without a web server (a test's mock environment) there is nothing to rehearse: 0 requests. */
  @Override
  public Mono<Long> rehearse(Scratch scratch) {
    if (port <= 0) {
      return Mono.just(0L);
    }
    WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
        .defaultHeader(RehearsalRequests.HEADER, marks.secret()).build();
    List<String> bearers = IntStream.range(0, BUYERS)
        .mapToObj(i -> "Bearer " + tokens.buyer(scratch.buyers() + i, false).token()).toList();
    Map<HttpStatus, AtomicLong> unexpected = new ConcurrentHashMap<>();
    long requests = (long) settings.rounds() * ROUTES.size();
    return Flux.range(0, (int) Math.min(requests, Integer.MAX_VALUE))
        .takeWhile(i -> !scratch.over(clock.instant()))
        .flatMap(i -> client.post().uri(ROUTES.get(i % ROUTES.size()))
            .header(HttpHeaders.AUTHORIZATION, bearers.get((i / ROUTES.size()) % BUYERS))
            .exchangeToMono(answer -> answer.releaseBody().thenReturn(HttpStatus.valueOf(answer.statusCode().value())))
            .doOnNext(status -> {
              if (status != HttpStatus.NOT_FOUND) {
                unexpected.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
              }
            }), settings.concurrency())
        .count()
        .doOnNext(sent -> {
          if (!unexpected.isEmpty()) {
            log.warn("Rehearsal requests answered other than 404 (the path rehearsed is not the buyers'): {}", unexpected);
          }
        });
  }
}
