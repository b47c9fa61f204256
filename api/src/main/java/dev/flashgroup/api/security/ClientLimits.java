package dev.flashgroup.api.security;

import dev.flashgroup.api.rehearsal.RehearsalRequests;
import dev.flashgroup.api.web.Problems;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A token bucket per client address, in this instance's memory (Bucket4j), ahead of everything
 * else: a flood is refused before its tokens are verified. 429 {@code TOO_MANY_REQUESTS} with
 * {@code Retry-After}. Health probes are never limited. Buyers are limited per buyer as well,
 * inside the reservation script. The opening rehearsal's own requests (all from 127.0.0.1, marked
 * with this process's secret: {@link RehearsalRequests}) pass too. Posters (public, drawn on a few
 * CPU threads) take from a second, smaller bucket per address as well.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ClientLimits implements WebFilter {

  private static final Object UNKNOWN = new Object();

  private final ClientLimitSettings settings;
  private final ProblemResponses problems;
  private final RehearsalRequests rehearsal;
  private final Limit requests;
  private final Limit posters;

  ClientLimits(ClientLimitSettings settings, ProblemResponses problems, RehearsalRequests rehearsal) {
    this.settings = settings;
    this.rehearsal = rehearsal;
    this.problems = problems;
    this.requests = new Limit(settings.burst(), settings.perSecond(), "Too many requests from this address");
    this.posters = new Limit(settings.posterBurst(), settings.postersPerSecond(), "Too many posters from this address");
  }

  /** One bucket per client address of one bandwidth. */
  private final class Limit {

    private final Bandwidth bandwidth;
    private final String refusal;
    /** Keyed by the address itself (equal by its bytes): no text is made per request. */
    private final Map<Object, Bucket> buckets = new ConcurrentHashMap<>();

    Limit(long burst, long perSecond, String refusal) {
      this.bandwidth = Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build();
      this.refusal = refusal;
    }

    /** Null when the request may pass (the plain try allocates nothing); else the 429 written. */
    Mono<Void> refusedOrNull(ServerWebExchange exchange) {
      Bucket bucket = bucketOf(exchange);
      if (bucket.tryConsume(1)) {
        return null;
      }
      long seconds = Problems.retryAfterSeconds(
          Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()));
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
      return problems.write(exchange, Problems.tooManyRequestsDetail(seconds, refusal));
    }

    private Bucket bucketOf(ServerWebExchange exchange) {
      InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
      Object client = remote == null || remote.getAddress() == null ? UNKNOWN : remote.getAddress();
      Bucket bucket = buckets.get(client);
      if (bucket != null) {
        return bucket;
      }
      if (buckets.size() >= settings.trackedClients()) {
        buckets.clear();
      }
      return buckets.computeIfAbsent(client, c -> Bucket.builder().addLimit(bandwidth).build());
    }
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!settings.enabled() || exchange.getRequest().getPath().value().startsWith("/actuator/health")
        || rehearsal.marks(exchange.getRequest())) {
      return chain.filter(exchange);
    }
    Mono<Void> refused = requests.refusedOrNull(exchange);
    if (refused == null && isPoster(exchange.getRequest().getPath().value())) {
      refused = posters.refusedOrNull(exchange);
    }
    return refused == null ? chain.filter(exchange) : refused;
  }

  /** {@code /api/v1/groups/{id}/poster.png} and {@code /api/v1/activities/{id}/poster.png}. */
  static boolean isPoster(String path) {
    return path.endsWith("/poster.png") && (path.startsWith("/api/v1/groups/") || path.startsWith("/api/v1/activities/"));
  }
}
