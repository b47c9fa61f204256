package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A group opened shortly before its activity ends settles at the end, not at its own later
 * deadline, and a payment for it is refused once it can no longer fill (before, the payment was
 * taken and held until the group's deadline, then refunded).
 */
@IsolatedServices
@ApiTest
class GroupsEndWithTheActivityTest {

  @Autowired WebTestClient http;

  @Test
  void aGroupSettlesAtTheActivitysEndAndItsPaymentIsRefusedAfterIt() {
    Shop shop = new Shop(http);
    Map<String, Object> body = Shop.activity(2, 10, 1, Duration.ofMinutes(30), Duration.ofMinutes(30));
    Instant endsAt = Instant.now().plusSeconds(3);
    body.put("endsAt", endsAt.toString());
    long activity = shop.schedule("shop-1", body);
    Map<?, ?> opened = shop.open("alice", activity);

    Map<?, ?> group = http.get().uri("/api/v1/groups/" + opened.get("groupId"))
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice"))).exchange()
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    assertThat(Instant.parse((String) group.get("deadline"))).isEqualTo(endsAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));

    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(endsAt));
    http.post().uri("/api/v1/orders/" + opened.get("orderId") + "/payment")
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice"))).exchange()
        .expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("NOT_PAYABLE");
  }
}
