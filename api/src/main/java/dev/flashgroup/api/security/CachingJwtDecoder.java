package dev.flashgroup.api.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Verifies each distinct token once. A buyer sends the same token with every request of the
 * spike, and parsing plus HMAC-checking it again each time was a visible share of the reservation
 * path's profile. The cache is keyed by the whole token, signature included, so a token that differs
 * in any byte is verified afresh; a remembered one is honoured only until its expiry (with the same
 * clock skew the delegate allows). Bounded: when full it starts over.
 */
final class CachingJwtDecoder implements ReactiveJwtDecoder {

  /** Spring Security's JwtTimestampValidator default. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private final ReactiveJwtDecoder delegate;
  private final Clock clock;
  private final int capacity;
  private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

  CachingJwtDecoder(ReactiveJwtDecoder delegate, Clock clock, int capacity) {
    this.delegate = delegate;
    this.clock = clock;
    this.capacity = capacity;
  }

  @Override
  public Mono<Jwt> decode(String token) {
    Jwt known = verified.get(token);
    if (known != null) {
      if (stillValid(known)) {
        return Mono.just(known);
      }
      verified.remove(token, known);
    }
    return delegate.decode(token).doOnNext(jwt -> remember(token, jwt));
  }

  private boolean stillValid(Jwt jwt) {
    Instant expiresAt = jwt.getExpiresAt();
    return expiresAt != null && clock.instant().isBefore(expiresAt.plus(CLOCK_SKEW));
  }

  private void remember(String token, Jwt jwt) {
    if (jwt.getExpiresAt() == null) {
      return;
    }
    if (verified.size() >= capacity) {
      verified.clear();
    }
    verified.put(token, jwt);
  }
}
