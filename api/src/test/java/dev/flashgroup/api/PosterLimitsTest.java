package dev.flashgroup.api;

import dev.flashgroup.engine.support.IsolatedServices;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Posters are public and drawn on a few CPU threads: one address may fetch only a few a second
 * (both kinds together), while its other requests go on under the general limit.
 */
@IsolatedServices
@ApiTest
class PosterLimitsTest {

  @DynamicPropertySource
  static void limits(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.client-limits.enabled", () -> "true");
    registry.add("flashgroup.client-limits.per-second", () -> "100");
    registry.add("flashgroup.client-limits.burst", () -> "100");
    registry.add("flashgroup.client-limits.posters-per-second", () -> "1");
    registry.add("flashgroup.client-limits.poster-burst", () -> "3");
  }

  @Autowired WebTestClient http;

  @Test
  void anAddressPastItsPosterBurstIsToldToWaitAndItsOtherRequestsPass() {
    http.get().uri("/api/v1/activities/999999/poster.png").exchange().expectStatus().isNotFound();
    http.get().uri("/api/v1/groups/999-1/poster.png").exchange().expectStatus().isNotFound();
    http.get().uri("/api/v1/activities/999998/poster.png").exchange().expectStatus().isNotFound();

    http.get().uri("/api/v1/groups/999-2/poster.png").header("Accept-Language", "zh-CN").exchange()
        .expectStatus().isEqualTo(429)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectHeader().valueEquals("Retry-After", "1")
        .expectBody().jsonPath("$.code").isEqualTo("TOO_MANY_REQUESTS").jsonPath("$.title").isEqualTo("请求过于频繁");
    http.get().uri("/api/v1/activities/999999/poster.png").exchange().expectStatus().isEqualTo(429);
    http.get().uri("/api/v1/orders/1-1").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice"))).exchange()
        .expectStatus().isNotFound();
  }
}
