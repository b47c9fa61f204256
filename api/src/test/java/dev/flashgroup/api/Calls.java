package dev.flashgroup.api;

import java.util.Map;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Calls the HTTP API with a token of a role and checks the answer: the leader tests' plumbing. */
final class Calls {

  private final WebTestClient http;

  Calls(WebTestClient http) {
    this.http = http;
  }

  /** {@code body} may be null. */
  WebTestClient.ResponseSpec as(String role, String subject, HttpMethod method, String uri, Object body) {
    var request = http.method(method).uri(uri).headers(h -> h.setBearerAuth(Tokens.of(role, subject)));
    return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  static Map<?, ?> ok(WebTestClient.ResponseSpec answer) {
    return answer.expectStatus().is2xxSuccessful().expectBody(Map.class).returnResult().getResponseBody();
  }

  static void refused(WebTestClient.ResponseSpec answer, int status, String code) {
    answer.expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }
}
