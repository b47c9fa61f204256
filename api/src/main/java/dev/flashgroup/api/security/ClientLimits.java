package dev.flashgroup.api.security;

import dev.flashgroup.api.web.Problems;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A token bucket per client address, in this instance's memory (Bucket4j), ahead of everything
 * else: a flood is refused before its tokens are verified. 429 {@code TOO_MANY_REQUESTS} with
 * {@code Retry-After}. Health probes are never limited. Buyers are limited per buyer as well,
 * inside the reservation script.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ClientLimits implements WebFilter {

  private final ClientLimitSettings settings;
  private final ProblemResponses problems;
  private final Bandwidth bandwidth;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  ClientLimits(ClientLimitSettings settings, ProblemResponses problems) {
    this.settings = settings;
    this.problems = problems;
    this.bandwidth = Bandwidth.builder().capacity(settings.burst())
        .refillGreedy(settings.perSecond(), Duration.ofSeconds(1)).build();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!settings.enabled() || exchange.getRequest().getPath().value().startsWith("/actuator/health")) {
      return chain.filter(exchange);
    }
    ConsumptionProbe probe = bucketOf(exchange).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return chain.filter(exchange);
    }
    long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999));
    exchange.getResponse().getHeaders().set("Retry-After", Long.toString(seconds));
    return problems.write(exchange, Problems.detail(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS",
        "Too many requests from this address; retry after " + seconds + " s"));
  }

  private Bucket bucketOf(ServerWebExchange exchange) {
    InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
    String client = remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
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
