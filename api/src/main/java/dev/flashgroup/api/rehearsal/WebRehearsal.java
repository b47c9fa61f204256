package dev.flashgroup.api.rehearsal;

import dev.flashgroup.api.auth.TokenIssuer;
import dev.flashgroup.engine.rehearsal.RehearsalPart;
import dev.flashgroup.engine.rehearsal.RehearsalSettings;
import dev.flashgroup.engine.rehearsal.Scratch;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
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
import reactor.core.scheduler.Schedulers;

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
  /** What the last rehearsal's requests were answered, by status: all 404 when the path was the buyers'. */
  private volatile Map<HttpStatus, Long> lastAnswers = Map.of();

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
    // Signing a thousand tokens takes a while (and the JCA may load a provider on first use): off
    // whichever event loop runs this.
    return Mono.fromCallable(() -> IntStream.range(0, BUYERS)
            .mapToObj(i -> "Bearer " + tokens.buyer(scratch.buyers() + i, false).token()).toList())
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(bearers -> requests(client, bearers, scratch));
  }

  private Mono<Long> requests(WebClient client, List<String> bearers, Scratch scratch) {
    Map<HttpStatus, AtomicLong> answers = new ConcurrentHashMap<>();
    long requests = (long) settings.rounds() * ROUTES.size();
    return Flux.range(0, (int) Math.min(requests, Integer.MAX_VALUE))
        .takeWhile(i -> !scratch.over(clock.instant()))
        .flatMap(i -> client.post().uri(ROUTES.get(i % ROUTES.size()))
            .header(HttpHeaders.AUTHORIZATION, bearers.get((i / ROUTES.size()) % BUYERS))
            .exchangeToMono(answer -> answer.releaseBody().thenReturn(HttpStatus.valueOf(answer.statusCode().value())))
            .doOnNext(status -> answers.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet()),
            settings.concurrency())
        .count()
        .doOnNext(sent -> {
          lastAnswers = answers.entrySet().stream()
              .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> e.getValue().get()));
          if (!lastAnswers.isEmpty() && !lastAnswers.keySet().equals(Set.of(HttpStatus.NOT_FOUND))) {
            log.warn("Rehearsal requests answered other than 404 (the path rehearsed is not the buyers'): {}", lastAnswers);
          }
        });
  }

  Map<HttpStatus, Long> lastAnswers() {
    return lastAnswers;
  }
}
