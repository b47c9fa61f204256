package dev.flashgroup.api;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** An Idempotency-Key is 1-64 characters of a safe alphabet on every endpoint that takes one. */
@IsolatedServices
@ApiTest
class IdempotencyKeysTest {

  @Autowired WebTestClient http;
  Shop shop;
  long activity;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
    activity = shop.schedule("shop-1", Shop.activity(2, 5, 3, Duration.ofMinutes(1), Duration.ofMinutes(1)));
  }

  @Test
  void refusesKeysThatAreTooLongOrOutsideTheAlphabetBeforeReserving() {
    for (String key : new String[] {"k".repeat(65), "x:k9", "a.b", "tap 1", "ключ"}) {
      http.post().uri("/api/v1/activities/" + activity + "/orders")
          .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice"))).header("Idempotency-Key", key)
          .exchange()
          .expectStatus().isBadRequest()
          .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST")
          .jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
    }
    http.get().uri("/api/v1/activities/" + activity).headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice")))
        .exchange().expectBody().jsonPath("$.remainingStock").isEqualTo(5);
  }

  @Test
  void acceptsAUuidAndTheLongestKey() {
    for (String key : new String[] {"1b4e28ba-2fa1-11d2-883f-0016d3cca427", "k".repeat(64)}) {
      http.post().uri("/api/v1/activities/" + activity + "/orders")
          .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice"))).header("Idempotency-Key", key)
          .exchange().expectStatus().isCreated();
    }
  }

  @Test
  void refusesABadKeyWhenAddingStock() {
    http.post().uri("/api/v1/merchant/activities/" + activity + "/stock")
        .headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1"))).header("Idempotency-Key", "x".repeat(200))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("units", 5))
        .exchange()
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
    http.get().uri("/api/v1/activities/" + activity).headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice")))
        .exchange().expectBody().jsonPath("$.remainingStock").isEqualTo(5);
  }
}
