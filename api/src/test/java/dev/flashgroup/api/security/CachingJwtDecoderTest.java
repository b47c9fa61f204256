package dev.flashgroup.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A token is verified once, remembered only until it expires, and a bad one is never remembered. */
class CachingJwtDecoderTest {

  private static final Instant NOW = Instant.parse("2026-11-24T20:00:00Z");

  private final List<String> asked = new ArrayList<>();
  private Instant expiry = NOW.plusSeconds(600);

  private final ReactiveJwtDecoder verifier = token -> {
    asked.add(token);
    if (token.startsWith("bad")) {
      return Mono.error(new BadJwtException("signature does not match"));
    }
    return Mono.just(Jwt.withTokenValue(token).header("alg", "HS256").subject("alice")
        .issuedAt(NOW).expiresAt(expiry).build());
  };

  @Test
  void verifiesATokenOnceAndAnswersRepeatsFromMemory() {
    CachingJwtDecoder decoder = new CachingJwtDecoder(verifier, at(NOW), 10);

    Jwt first = decoder.decode("token-a").block();
    Jwt again = decoder.decode("token-a").block();

    assertThat(again).isSameAs(first);
    assertThat(asked).containsExactly("token-a");
  }

  @Test
  void asksAgainOnceARememberedTokenExpiredBeyondTheClockSkew() {
    new CachingJwtDecoder(verifier, at(NOW), 10).decode("token-a").block();
    CachingJwtDecoder later = new CachingJwtDecoder(verifier, at(expiry.plus(CachingJwtDecoder.CLOCK_SKEW)), 10);
    later.decode("token-a").block();
    later.decode("token-a").block();

    assertThat(asked).containsExactly("token-a", "token-a", "token-a");
  }

  @Test
  void neverRemembersATokenThatFailedVerification() {
    CachingJwtDecoder decoder = new CachingJwtDecoder(verifier, at(NOW), 10);

    StepVerifier.create(decoder.decode("bad-token")).expectError(BadJwtException.class).verify(Duration.ofSeconds(5));
    StepVerifier.create(decoder.decode("bad-token")).expectError(BadJwtException.class).verify(Duration.ofSeconds(5));

    assertThat(asked).containsExactly("bad-token", "bad-token");
  }

  @Test
  void holdsNoMoreTokensThanItsSize() {
    CachingJwtDecoder decoder = new CachingJwtDecoder(verifier, at(NOW), 100);
    for (int i = 0; i < 1_000; i++) {
      decoder.decode("token-" + i).block();
    }

    assertThat(decoder.size()).isLessThanOrEqualTo(100);
    assertThat(asked).hasSize(1_000);
  }

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }
}
