package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Error answers say what the client should do, never which of our classes was involved. */
@IsolatedServices
@ApiTest
class InternalsHiddenTest {

  @Autowired WebTestClient http;

  @Test
  void anUnsupportedContentTypeNamesNoInternalClass() {
    String body = http.post().uri("/api/v1/merchant/activities")
        .headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1")))
        .contentType(MediaType.TEXT_PLAIN).bodyValue("hello")
        .exchange()
        .expectStatus().isEqualTo(415)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody(String.class).returnResult().getResponseBody();

    assertThat(body).doesNotContain("dev.flashgroup").doesNotContain("java.").contains("application/json");
  }

  @Test
  void malformedJsonNamesNoInternalClass() {
    String body = http.post().uri("/api/v1/merchant/activities")
        .headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "shop-1")))
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\": [1, 2")
        .exchange()
        .expectStatus().isBadRequest()
        .expectBody(String.class).returnResult().getResponseBody();

    assertThat(body).contains("MALFORMED_REQUEST").doesNotContain("dev.flashgroup").doesNotContain("tools.jackson");
  }
}
