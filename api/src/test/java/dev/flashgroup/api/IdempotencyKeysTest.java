package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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

  @Test
  void aKeyReusedOnAnotherEndpointIsRefusedAndTakesNothing() {
    String token = Tokens.of("CUSTOMER", "alice");
    http.post().uri("/api/v1/activities/" + activity + "/orders").headers(h -> h.setBearerAuth(token))
        .header("Idempotency-Key", "tap-1").exchange().expectStatus().isCreated();

    http.post().uri("/api/v1/activities/" + activity + "/groups").headers(h -> h.setBearerAuth(token))
        .header("Idempotency-Key", "tap-1").exchange()
        .expectStatus().isEqualTo(422)
        .expectBody().jsonPath("$.code").isEqualTo("IDEMPOTENCY_KEY_REUSED");
    http.get().uri("/api/v1/activities/" + activity).headers(h -> h.setBearerAuth(token))
        .exchange().expectBody().jsonPath("$.remainingStock").isEqualTo(4);
  }

  @Test
  void aStockKeyReusedWithOtherUnitsIsRefusedAndAddsNothing() {
    String uri = "/api/v1/merchant/activities/" + activity + "/stock";
    for (int units : new int[] {3, 4}) {
      var answer = http.post().uri(uri).headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1")))
          .header("Idempotency-Key", "restock-1").contentType(MediaType.APPLICATION_JSON)
          .bodyValue(Map.of("units", units)).exchange();
      if (units == 3) {
        answer.expectStatus().isOk().expectBody().jsonPath("$.stock").isEqualTo(8);
      } else {
        answer.expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("IDEMPOTENCY_KEY_REUSED");
      }
    }
    http.get().uri("/api/v1/activities/" + activity).headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice")))
        .exchange().expectBody().jsonPath("$.remainingStock").isEqualTo(8);
  }

  @Test
  void aBuyerFiringFasterThanTheLimitIsToldToWait() {
    String token = Tokens.of("CUSTOMER", "mallory");
    String uri = "/api/v1/activities/" + activity + "/groups/match";

    // Eight at once land in one second: five are served (reservations, then LIMIT_REACHED), three slowed.
    List<EntityExchangeResult<String>> answers = Flux.range(0, 8)
        .flatMap(i -> Mono.fromCallable(() -> http.post().uri(uri).headers(h -> h.setBearerAuth(token)).exchange()
            .expectBody(String.class).returnResult()).subscribeOn(Schedulers.boundedElastic()), 8)
        .collectList().block(Duration.ofSeconds(30));

    List<EntityExchangeResult<String>> slowed = answers.stream().filter(a -> a.getStatus().value() == 429).toList();
    assertThat(slowed).hasSize(3).allSatisfy(a -> {
      assertThat(a.getResponseHeaders().getFirst("Retry-After")).isEqualTo("1");
      assertThat(a.getResponseBody()).contains("TOO_MANY_REQUESTS");
    });
    assertThat(answers).filteredOn(a -> a.getStatus().value() != 429)
        .allMatch(a -> a.getStatus().value() == 201 || a.getStatus().value() == 409);
  }
}
