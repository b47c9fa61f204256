package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Every refusal and error is a problem detail with the true status and a stable code. */
@IsolatedServices
@ApiTest
class ApiErrorsTest {

  @Autowired WebTestClient http;
  Shop shop;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
  }

  @Test
  void requestWithoutTokenIsUnauthorized() {
    http.get().uri("/api/v1/orders/1-1").exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("UNAUTHORIZED");
  }

  @Test
  void tokenSignedWithAnotherKeyIsUnauthorized() {
    String forged = Tokens.sign("CUSTOMER", "mallory", "another-key-that-is-long-enough-for-hs256!!",
        Instant.now().plusSeconds(600));
    http.get().uri("/api/v1/orders/1-1").headers(h -> h.setBearerAuth(forged)).exchange()
        .expectStatus().isUnauthorized();
  }

  @Test
  void expiredTokenIsUnauthorized() {
    String expired = Tokens.sign("CUSTOMER", "alice", dev.flashgroup.api.security.SecuritySettings.LOCAL_KEY,
        Instant.now().minusSeconds(600));
    http.get().uri("/api/v1/orders/1-1").headers(h -> h.setBearerAuth(expired)).exchange()
        .expectStatus().isUnauthorized();
  }

  @Test
  void customerCannotScheduleActivities() {
    http.post().uri("/api/v1/merchant/activities").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice")))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Shop.activity(2, 5, 1, Duration.ofMinutes(1),
            Duration.ofMinutes(1)))
        .exchange()
        .expectStatus().isForbidden()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("FORBIDDEN");
  }

  @Test
  void merchantCannotReserve() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 5, 1, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    http.post().uri("/api/v1/activities/" + activity + "/groups")
        .headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1"))).exchange()
        .expectStatus().isForbidden();
  }

  @Test
  void invalidActivityListsEveryBadField() {
    Map<String, Object> bad = Shop.activity(1, 0, 0, Duration.ofMinutes(1), Duration.ofMinutes(1));
    bad.put("mode", "MYSTERY");
    bad.put("endsAt", "tomorrow");
    http.post().uri("/api/v1/merchant/activities").headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1")))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(bad).exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.code").isEqualTo("INVALID_REQUEST")
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString())
            .isEqualTo("[\"mode\",\"groupSize\",\"stock\",\"perUserLimit\",\"endsAt\"]"));
  }

  @Test
  void malformedJsonIsBadRequest() {
    http.post().uri("/api/v1/merchant/activities").headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1")))
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\": ").exchange()
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("MALFORMED_REQUEST");
  }

  @Test
  void merchantSeesOnlyItsOwnActivities() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 5, 1, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    http.get().uri("/api/v1/merchant/activities/" + activity)
        .headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-2"))).exchange()
        .expectStatus().isForbidden();
    http.get().uri("/api/v1/merchant/activities/" + activity)
        .headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1"))).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.figures.remainingStock").isEqualTo(5);
  }

  @Test
  void buyerSeesOnlyOwnOrders() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 5, 1, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    Map<?, ?> order = shop.solo("alice", activity);
    http.get().uri("/api/v1/orders/" + order.get("orderId"))
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "bob"))).exchange()
        .expectStatus().isForbidden();
    http.get().uri("/api/v1/orders/" + order.get("orderId"))
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice"))).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("RESERVED");
    shop.refused("bob", "/api/v1/orders/" + order.get("orderId") + "/payment", HttpStatus.FORBIDDEN, "FORBIDDEN");
  }

  @Test
  void unknownIdsAreNotFound() {
    shop.refused("alice", "/api/v1/activities/999999/groups", HttpStatus.NOT_FOUND, "NOT_FOUND");
    shop.refused("alice", "/api/v1/groups/999999-1/members", HttpStatus.NOT_FOUND, "NOT_FOUND");
    shop.refused("alice", "/api/v1/groups/not-a-group/members", HttpStatus.NOT_FOUND, "NOT_FOUND");
    shop.refused("alice", "/api/v1/orders/42-42/payment", HttpStatus.NOT_FOUND, "NOT_FOUND");
    http.get().uri("/api/v1/activities/999999").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice")))
        .exchange().expectStatus().isNotFound();
  }

  @Test
  void activityNotYetStartedRefusesWithNotStarted() {
    Map<String, Object> later = Shop.activity(2, 5, 1, Duration.ofMinutes(1), Duration.ofMinutes(1));
    later.put("startsAt", Instant.now().plusSeconds(86_400).toString());
    later.put("endsAt", Instant.now().plusSeconds(90_000).toString());
    long activity = shop.schedule("shop-1", later);
    shop.refused("alice", "/api/v1/activities/" + activity + "/groups", HttpStatus.CONFLICT, "NOT_STARTED");
  }

  @Test
  void refusalsCarryTheirCodes() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 2, 1, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    Map<?, ?> opened = shop.open("alice", activity);
    String join = "/api/v1/groups/" + opened.get("groupId") + "/members";
    shop.refused("alice", join, HttpStatus.CONFLICT, "ALREADY_IN_GROUP");
    shop.refused("alice", "/api/v1/activities/" + activity + "/orders", HttpStatus.CONFLICT, "LIMIT_REACHED");
    shop.join("bob", opened.get("groupId"));
    shop.refused("carol", join, HttpStatus.CONFLICT, "GROUP_FULL");
    shop.refused("carol", "/api/v1/activities/" + activity + "/orders", HttpStatus.CONFLICT, "SOLD_OUT");
  }

  @Test
  void repeatedIdempotencyKeyGetsTheFirstAnswer() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 5, 3, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    String uri = "/api/v1/activities/" + activity + "/orders";
    String token = Tokens.of("CUSTOMER", "alice");
    Map<?, ?> first = http.post().uri(uri).headers(h -> h.setBearerAuth(token)).header("Idempotency-Key", "tap-1")
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    Map<?, ?> again = http.post().uri(uri).headers(h -> h.setBearerAuth(token)).header("Idempotency-Key", "tap-1")
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    assertThat(again).isEqualTo(first);
    http.get().uri("/api/v1/activities/" + activity).headers(h -> h.setBearerAuth(token)).exchange()
        .expectBody().jsonPath("$.remainingStock").isEqualTo(4);
    http.post().uri(uri).headers(h -> h.setBearerAuth(token)).header("Idempotency-Key", "bad key with spaces")
        .exchange().expectStatus().isBadRequest();
  }
}
