package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
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
  /** Requests the address was let through so far. */
  private int passed;

  @Test
  void refusesAnAddressPastItsBurstWithRetryAfterAndKeepsProbesOpen() {
    String token = Tokens.of("CUSTOMER", "alice");
    long start = System.nanoTime();
    passed = 3;
    for (int i = 0; i < 3; i++) {
      http.get().uri("/api/v1/orders/1-1").headers(h -> h.setBearerAuth(token)).exchange()
          .expectStatus().isNotFound();
    }

    // The bucket refills one a second: on a loaded machine the burst itself may take a second or
    // more, and each second lets one more through. The address is refused once those are spent,
    // and never lets through more than the burst plus what refilled meanwhile.
    EntityExchangeResult<byte[]> refused = firstRefused(start, () -> http.post().uri("/api/v1/activities/1/orders")
        .headers(h -> h.setBearerAuth(token)).exchange());
    assertThat(refused.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(refused.getResponseHeaders().getFirst("Retry-After")).isEqualTo("1");
    assertThat(new String(refused.getResponseBody(), StandardCharsets.UTF_8)).contains("\"TOO_MANY_REQUESTS\"");
    // Signing in counts against the same bucket.
    firstRefused(start, () -> http.post().uri("/api/v1/auth/wechat").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"code\":\"x\"}").exchange());
    http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
  }

  /** Sends until refused (429), checking that no more got through than the burst plus the refill. */
  private EntityExchangeResult<byte[]> firstRefused(long start, Supplier<WebTestClient.ResponseSpec> request) {
    while (true) {
      EntityExchangeResult<byte[]> answer = request.get().expectBody().returnResult();
      if (answer.getStatus().value() == 429) {
        return answer;
      }
      passed++;
      long refilled = (System.nanoTime() - start) / 1_000_000_000L;
      assertThat((long) passed).as("requests let through within %d s", refilled).isLessThanOrEqualTo(3 + refilled);
    }
  }
}
