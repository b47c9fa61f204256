package dev.flashgroup.api;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.flashgroup.api.security.SecuritySettings;
import dev.flashgroup.engine.support.IsolatedServices;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Tokens signed with the right key but saying the wrong things: each is refused with 401 before
 * any handler sees it (they were accepted, or answered 500, before).
 */
@IsolatedServices
@ApiTest
class HostileTokensTest {

  @Autowired WebTestClient http;

  @Test
  void refusesARolesListHoldingNull() {
    assertUnauthorized(claims -> claims.claim("roles", Arrays.asList(null, "CUSTOMER")));
  }

  @Test
  void refusesATokenWithoutSubject() {
    assertUnauthorized(claims -> claims.subject(null));
  }

  @Test
  void refusesATokenWithoutExpiry() {
    assertUnauthorized(claims -> claims.expirationTime(null));
  }

  @Test
  void refusesATokenOfAnotherIssuer() {
    assertUnauthorized(claims -> claims.issuer("someone-else"));
  }

  @Test
  void refusesATokenWithoutIssuer() {
    assertUnauthorized(claims -> claims.issuer(null));
  }

  @Test
  void refusesASubjectLongerThanAnIdColumn() {
    assertUnauthorized(claims -> claims.subject("b".repeat(65)));
  }

  @Test
  void refusesASubjectOutsideTheAlphabet() {
    assertUnauthorized(claims -> claims.subject("alice bob"));
  }

  @Test
  void refusesUnknownOrMissingRoles() {
    assertUnauthorized(claims -> claims.claim("roles", List.of("ROOT")));
    assertUnauthorized(claims -> claims.claim("roles", List.of()));
    assertUnauthorized(claims -> claims.claim("roles", "CUSTOMER"));
    assertUnauthorized(claims -> claims.claim("roles", null));
  }

  @Test
  void acceptsAWellFormedTokenAtTheLongestSubject() {
    http.get().uri("/api/v1/orders/1-1").headers(h -> h.setBearerAuth(token(claims -> claims.subject("b".repeat(64)))))
        .exchange()
        .expectStatus().isNotFound();
  }

  @Test
  void metricsNeedAnAdmin() {
    http.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
    http.get().uri("/actuator/prometheus").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice"))).exchange()
        .expectStatus().isForbidden();
    http.get().uri("/actuator/prometheus").headers(h -> h.setBearerAuth(Tokens.of("ADMIN", "ops"))).exchange()
        .expectStatus().isOk();
  }

  private void assertUnauthorized(UnaryOperator<JWTClaimsSet.Builder> change) {
    http.get().uri("/api/v1/orders/1-1").headers(h -> h.setBearerAuth(token(change))).exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("UNAUTHORIZED");
  }

  private static String token(UnaryOperator<JWTClaimsSet.Builder> change) {
    var claims = new JWTClaimsSet.Builder().issuer("flashgroup").subject("alice").claim("roles", List.of("CUSTOMER"))
        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600)));
    try {
      var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), change.apply(claims).build());
      jwt.sign(new MACSigner(SecuritySettings.LOCAL_KEY.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
