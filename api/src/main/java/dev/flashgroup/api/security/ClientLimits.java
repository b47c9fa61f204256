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
 * with this process's secret: {@link RehearsalRequests}) pass too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ClientLimits implements WebFilter {

  private static final Object UNKNOWN = new Object();

  private final ClientLimitSettings settings;
  private final ProblemResponses problems;
  private final RehearsalRequests rehearsal;
  private final Bandwidth bandwidth;
  /** Keyed by the address itself (equal by its bytes): no text is made per request. */
  private final Map<Object, Bucket> buckets = new ConcurrentHashMap<>();

  ClientLimits(ClientLimitSettings settings, ProblemResponses problems, RehearsalRequests rehearsal) {
    this.settings = settings;
    this.rehearsal = rehearsal;
    this.problems = problems;
    this.bandwidth = Bandwidth.builder().capacity(settings.burst())
        .refillGreedy(settings.perSecond(), Duration.ofSeconds(1)).build();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!settings.enabled() || exchange.getRequest().getPath().value().startsWith("/actuator/health")
        || rehearsal.marks(exchange.getRequest())) {
      return chain.filter(exchange);
    }
    Bucket bucket = bucketOf(exchange);
    // The plain try allocates nothing; only a refusal asks how long to wait.
    if (bucket.tryConsume(1)) {
      return chain.filter(exchange);
    }
    long seconds = Problems.retryAfterSeconds(
        Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()));
    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    return problems.write(exchange, Problems.tooManyRequestsDetail(seconds, "Too many requests from this address"));
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
