package dev.flashgroup.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Verifies each distinct token once. A buyer sends the same token with every request of the
 * spike, and parsing plus HMAC-checking it again each time was a visible share of the reservation
 * path's profile. The cache is keyed by the whole token, signature included, so a token that differs
 * in any byte is verified afresh; a remembered one is honoured only until its expiry (with the same
 * clock skew the delegate allows).
 *
 * <p>Bounded by {@code flashgroup.security.token-cache-size} entries (Caffeine: size-bounded,
 * frequency-aware eviction instead of starting over when full). An entry (the token text and the decoded
 * headers and claims) takes about 1.5 KB; docs/profiling.md has the figures. Eviction runs on the
 * calling thread: a few map operations, no hand-off.
 */
final class CachingJwtDecoder implements ReactiveJwtDecoder {

  /** Spring Security's JwtTimestampValidator default. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private final ReactiveJwtDecoder delegate;
  private final Clock clock;
  private final Cache<String, Jwt> verified;

  CachingJwtDecoder(ReactiveJwtDecoder delegate, Clock clock, int capacity) {
    this.delegate = delegate;
    this.clock = clock;
    this.verified = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
  }

  @Override
  public Mono<Jwt> decode(String token) {
    Jwt known = verified.getIfPresent(token);
    if (known != null) {
      if (stillValid(known)) {
        return Mono.just(known);
      }
      verified.asMap().remove(token, known);
    }
    return delegate.decode(token).doOnNext(jwt -> remember(token, jwt));
  }

  /** Tokens held now; for tests and the profile. */
  long size() {
    verified.cleanUp();
    return verified.estimatedSize();
  }

  private boolean stillValid(Jwt jwt) {
    Instant expiresAt = jwt.getExpiresAt();
    return expiresAt != null && clock.instant().isBefore(expiresAt.plus(CLOCK_SKEW));
  }

  private void remember(String token, Jwt jwt) {
    if (jwt.getExpiresAt() == null) {
      return;
    }
    verified.put(token, jwt);
  }
}
