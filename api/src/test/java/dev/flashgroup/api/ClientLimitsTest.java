package dev.flashgroup.api;

import dev.flashgroup.engine.support.IsolatedServices;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** One address sending faster than its bucket refills is told to wait; probes never are. */
@IsolatedServices
@ApiTest
class ClientLimitsTest {

  @DynamicPropertySource
  static void limits(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.client-limits.enabled", () -> "true");
    registry.add("flashgroup.client-limits.per-second", () -> "1");
    registry.add("flashgroup.client-limits.burst", () -> "3");
  }

  @Autowired WebTestClient http;

  @Test
  void refusesAnAddressPastItsBurstWithRetryAfterAndKeepsProbesOpen() {
    String token = Tokens.of("CUSTOMER", "alice");
    for (int i = 0; i < 3; i++) {
      http.get().uri("/api/v1/orders/1-1").headers(h -> h.setBearerAuth(token)).exchange()
          .expectStatus().isNotFound();
    }

    http.post().uri("/api/v1/activities/1/orders").headers(h -> h.setBearerAuth(token)).exchange()
        .expectStatus().isEqualTo(429)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectHeader().valueEquals("Retry-After", "1")
        .expectBody().jsonPath("$.code").isEqualTo("TOO_MANY_REQUESTS");
    http.post().uri("/api/v1/auth/wechat").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"code\":\"x\"}")
        .exchange()
        .expectStatus().isEqualTo(429);
    http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
  }
}
