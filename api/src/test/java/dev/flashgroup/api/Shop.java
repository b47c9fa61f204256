package dev.flashgroup.api;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Drives the HTTP API the way the mini-program and a merchant's console do. */
final class Shop {

  private final WebTestClient http;

  Shop(WebTestClient http) {
    this.http = http;
  }

  static Map<String, Object> activity(int groupSize, int stock, int perUserLimit, Duration groupTtl, Duration payWindow) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", "Shaoguan mandarins 5 kg");
    body.put("mode", "STANDARD");
    body.put("groupSize", groupSize);
    body.put("groupPrice", 2990);
    body.put("soloPrice", 3990);
    body.put("stock", stock);
    body.put("perUserLimit", perUserLimit);
    body.put("startsAt", Instant.now().minusSeconds(1).toString());
    body.put("endsAt", Instant.now().plusSeconds(3600).toString());
    body.put("groupTtl", groupTtl.toString());
    body.put("payWindow", payWindow.toString());
    return body;
  }

  /** A TIERED activity; {@code tiers} are {size, price} pairs, sizes rising and prices falling. */
  static Map<String, Object> tiered(Duration groupTtl, long[]... tiers) {
    Map<String, Object> body = activity(2, 100, 1, groupTtl, Duration.ofMinutes(5));
    body.put("mode", "TIERED");
    body.remove("groupSize");
    body.remove("groupPrice");
    body.put("tiers", java.util.Arrays.stream(tiers).map(t -> Map.of("size", t[0], "price", t[1])).toList());
    return body;
  }

  long schedule(String merchant, Map<String, Object> activity) {
    Map<?, ?> created = http.post().uri("/api/v1/merchant/activities")
        .headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", merchant)))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(activity)
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    return ((Number) created.get("id")).longValue();
  }

  /** An admin records a pickup point around Shaoguan and binds {@code staff} to it; its id. */
  long point(String name, String... staff) {
    WebTestClient admin = http.mutate().defaultHeaders(h -> h.setBearerAuth(Tokens.of("ADMIN", "admin-1"))).build();
    Map<?, ?> created = admin.post().uri("/api/v1/admin/pickup-points")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(PickupPointsTest.point(name, 24.8, 113.6))
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    long id = ((Number) created.get("id")).longValue();
    for (String subject : staff) {
      admin.post().uri("/api/v1/admin/pickup-points/{id}/staff", id)
          .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("subject", subject))
          .exchange().expectStatus().isCreated();
    }
    return id;
  }

  /** A merchant's call to its console API; {@code body} may be null. */
  WebTestClient.ResponseSpec merchant(String merchant, HttpMethod method, String uri, Object body) {
    var request = http.method(method).uri(uri).headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", merchant)));
    return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  WebTestClient.ResponseSpec post(String buyer, String uri) {
    return http.post().uri(uri).headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", buyer))).exchange();
  }

  Map<?, ?> reserved(String buyer, String uri) {
    return post(buyer, uri).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
  }

  Map<?, ?> open(String buyer, long activity) {
    return reserved(buyer, "/api/v1/activities/" + activity + "/groups");
  }

  Map<?, ?> join(String buyer, Object groupId) {
    return reserved(buyer, "/api/v1/groups/" + groupId + "/members");
  }

  Map<?, ?> match(String buyer, long activity) {
    return reserved(buyer, "/api/v1/activities/" + activity + "/groups/match");
  }

  WebTestClient.BodyContentSpec get(String buyer, String uri) {
    return http.get().uri(uri).headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", buyer))).exchange()
        .expectStatus().isOk().expectBody();
  }

  Map<?, ?> solo(String buyer, long activity) {
    return reserved(buyer, "/api/v1/activities/" + activity + "/orders");
  }

  void pay(String buyer, Object orderId) {
    post(buyer, "/api/v1/orders/" + orderId + "/payment").expectStatus().isOk();
  }

  void refused(String buyer, String uri, HttpStatus status, String code) {
    post(buyer, uri).expectStatus().isEqualTo(status)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }
}
