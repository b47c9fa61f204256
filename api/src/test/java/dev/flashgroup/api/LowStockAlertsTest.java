package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.alert.WebhookReceiver;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Low-stock alerts over HTTP: safety stocks on the activity and its points, the merchant's alert
 * listing (its own only, an admin's all, keyset pages, bad inputs 400), and the webhook that gets
 * each alert signed.
 */
@IsolatedServices
@ApiTest
class LowStockAlertsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.webhooks.interval", () -> "PT0.05S");
    registry.add("flashgroup.webhooks.base-delay", () -> "PT0.2S");
  }

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  Shop shop;
  Rows rows;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
    rows = new Rows(db);
  }

  /** 6 units at one point (all of them), safety stock 4 for the activity and 5 for the point. */
  private long[] guarded(String merchant) {
    long point = shop.point("北门" + merchant);
    Map<String, Object> body = Shop.activity(2, 6, 1, Duration.ofMinutes(30), Duration.ofMinutes(30));
    body.put("safetyStock", 4);
    Map<String, Object> pickup = new LinkedHashMap<>();
    pickup.put("points", List.of(Map.of("pointId", point, "stock", 6, "safetyStock", 5)));
    body.put("pickup", pickup);
    return new long[] {shop.schedule(merchant, body), point};
  }

  private void buy(String buyer, long activity, long point) {
    as("CUSTOMER", buyer).post().uri("/api/v1/activities/{id}/orders", activity)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", point))
        .exchange().expectStatus().isCreated();
  }

  @Test
  @SuppressWarnings("unchecked")
  void crossingsAreListedToTheirMerchantNewestRecordedFirst() {
    long[] a = guarded("shop-a");
    Map<?, ?> shown = as("MERCHANT", "shop-a").get().uri("/api/v1/merchant/activities/{id}", a[0]).exchange()
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    assertThat(shown.get("safetyStock")).isEqualTo(4);
    assertThat(((List<Map<String, Object>>) ((Map<String, Object>) shown.get("pickup")).get("points")).get(0))
        .containsEntry("safetyStock", 5);

    buy("a-1", a[0], a[1]);
    buy("a-2", a[0], a[1]);
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM stock_alerts WHERE activity_id = "
        + a[0]) == 2);

    // Pages follow the order the alerts were recorded in (newest recorded first); the projector may
    // record the two crossings of one activity in either order, so the pages are checked as a pair.
    Map<String, Object> first = page("MERCHANT", "shop-a", "activityId=" + a[0] + "&limit=1");
    List<Map<String, Object>> items = (List<Map<String, Object>>) first.get("items");
    assertThat(items).hasSize(1);
    Map<String, Object> second = page("MERCHANT", "shop-a", "activityId=" + a[0] + "&limit=1&cursor="
        + first.get("nextCursor"));
    List<Map<String, Object>> both = new java.util.ArrayList<>(items);
    both.addAll((List<Map<String, Object>>) second.get("items"));
    assertThat(both).hasSize(2).allSatisfy(item -> assertThat(item).containsEntry("activityId", (int) a[0])
        .containsKeys("id", "at"));
    assertThat(both).anySatisfy(item -> assertThat(item).containsEntry("pointId", null)
        .containsEntry("remaining", 4).containsEntry("safetyStock", 4));
    assertThat(both).anySatisfy(item -> assertThat(item).containsEntry("pointId", (int) a[1])
        .containsEntry("remaining", 5).containsEntry("safetyStock", 5));
    assertThat((List<?>) page("MERCHANT", "shop-a", "").get("items")).hasSize(2);
    assertThat((List<?>) page("MERCHANT", "shop-other", "").get("items")).isEmpty();
    assertThat((List<?>) page("ADMIN", "admin-1", "activityId=" + a[0]).get("items")).hasSize(2);
  }

  @Test
  void othersActivitiesWrongRolesAndBadInputsAreRefused() {
    long[] a = guarded("shop-r");
    refused(as("MERCHANT", "shop-x").get().uri("/api/v1/merchant/alerts?activityId=" + a[0]), 403, "FORBIDDEN");
    refused(as("MERCHANT", "shop-r").get().uri("/api/v1/merchant/alerts?activityId=999999999"), 404, "NOT_FOUND");
    refused(as("CUSTOMER", "buyer").get().uri("/api/v1/merchant/alerts"), 403, "FORBIDDEN");
    refused(as("STAFF", "clerk").get().uri("/api/v1/merchant/alerts"), 403, "FORBIDDEN");
    for (String[] bad : new String[][] {{"limit", "0"}, {"limit", "201"}, {"limit", "x"}, {"cursor", "%%%"},
        {"cursor", "bm90LWEtY3Vyc29y"}, {"activityId", "abc"}, {"activityId", "9007199254740993"}}) {
      as("MERCHANT", "shop-r").get().uri("/api/v1/merchant/alerts?" + bad[0] + "=" + bad[1]).exchange()
          .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo(bad[0]);
    }
    Map<String, Object> body = Shop.activity(2, 6, 1, Duration.ofMinutes(30), Duration.ofMinutes(30));
    body.put("safetyStock", 6);
    as("MERCHANT", "shop-r").post().uri("/api/v1/merchant/activities").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange().expectStatus().isBadRequest().expectBody()
        .jsonPath("$.errors[0].field").isEqualTo("safetyStock");
    body.put("safetyStock", -1);
    as("MERCHANT", "shop-r").post().uri("/api/v1/merchant/activities").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange().expectStatus().isBadRequest().expectBody()
        .jsonPath("$.errors[0].field").isEqualTo("safetyStock");
  }

  @Test
  void theWebhookIsTheMerchantsAndGetsEachAlertSignedOnce() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.failingFirst(1)) {
      Map<?, ?> set = as("MERCHANT", "shop-w").put().uri("/api/v1/merchant/webhook")
          .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("url", receiver.url())).exchange()
          .expectStatus().isOk().expectHeader().valueEquals("Cache-Control", "no-store")
          .expectBody(Map.class).returnResult().getResponseBody();
      assertThat(set.get("url")).isEqualTo(receiver.url());
      receiver.secret((String) set.get("secret"));

      long[] a = guarded("shop-w");
      buy("w-1", a[0], a[1]);
      buy("w-2", a[0], a[1]);

      await().atMost(PATIENCE).until(() -> receiver.accepted().size() == 2);
      assertThat(receiver.accepted()).allMatch(WebhookReceiver.Received::signed)
          .extracting(WebhookReceiver.Received::id).doesNotHaveDuplicates();
      assertThat(receiver.all()).hasSize(3);
    }
    for (String bad : List.of("ftp://hooks.example.com/", "not a url", "https://hooks.example.com/" + "x".repeat(500))) {
      as("MERCHANT", "shop-w").put().uri("/api/v1/merchant/webhook").contentType(MediaType.APPLICATION_JSON)
          .bodyValue(Map.of("url", bad)).exchange().expectStatus().isBadRequest().expectBody()
          .jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("url");
    }
    refused(as("ADMIN", "admin-1").put().uri("/api/v1/merchant/webhook").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("url", "https://hooks.example.com/")), 403, "FORBIDDEN");
    refused(as("CUSTOMER", "buyer").put().uri("/api/v1/merchant/webhook").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("url", "https://hooks.example.com/")), 403, "FORBIDDEN");
  }

  // --- helpers ---------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private Map<String, Object> page(String role, String subject, String query) {
    return as(role, subject).get().uri("/api/v1/merchant/alerts?" + query).exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
  }

  private void refused(WebTestClient.RequestHeadersSpec<?> request, int status, String code) {
    request.exchange().expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }

  private WebTestClient as(String role, String subject) {
    return http.mutate().defaultHeaders(h -> h.setBearerAuth(Tokens.of(role, subject))).build();
  }
}
