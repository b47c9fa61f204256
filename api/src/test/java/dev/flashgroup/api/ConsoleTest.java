package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The operator console: its page and assets served from the jar without a token, and the Tonight
 * figures it polls, for ADMIN only, with every live activity's remaining stock per pickup point.
 * (The page itself is tested in Chromium by scripts/console-test.)
 */
@IsolatedServices
@ApiTest
class ConsoleTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String TONIGHT = "/api/v1/admin/metrics/tonight";

  @Autowired WebTestClient http;
  Shop shop;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
  }

  @Test
  void servesThePageAndItsAssetsWithoutAToken() {
    String page = http.get().uri("/console/").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
        .expectHeader().cacheControl(CacheControl.noCache())
        .expectBody(String.class).returnResult().getResponseBody();
    assertThat(page).contains("<div id=\"app\"></div>").contains("lang=\"zh-CN\"");
    http.get().uri("/console").exchange()
        .expectStatus().isPermanentRedirect().expectHeader().location("/console/");

    Matcher script = Pattern.compile("src=\"(/console/assets/[^\"]+\\.js)\"").matcher(page);
    assertThat(script.find()).as("the page loads its bundled script from the jar, not a CDN").isTrue();
    assertThat(page).doesNotContain("http://").doesNotContain("https://");
    http.get().uri(script.group(1)).exchange().expectStatus().isOk();
    // Only GET: the console's folder takes nothing.
    http.post().uri("/console/").exchange().expectStatus().isUnauthorized();
  }

  @Test
  void tonightIsForAdminsOnly() {
    http.get().uri(TONIGHT).exchange().expectStatus().isUnauthorized()
        .expectBody().jsonPath("$.code").isEqualTo("UNAUTHORIZED");
    for (String role : List.of("CUSTOMER", "MERCHANT", "STAFF", "LEADER")) {
      http.get().uri(TONIGHT).headers(h -> h.setBearerAuth(Tokens.of(role, "someone"))).exchange()
          .expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("FORBIDDEN");
    }
  }

  @Test
  void tonightShowsEachLiveActivitysRemainingStockPerPoint() {
    long north = shop.point("风采楼便利店");
    long east = shop.point("东河社区团购点");
    Map<String, Object> body = Shop.activity(3, 12, 1, Duration.ofMinutes(30), Duration.ofMinutes(30));
    body.put("title", "韶关沙田柚 5 斤装");
    Map<String, Object> pickup = new LinkedHashMap<>();
    pickup.put("points", List.of(Map.of("pointId", north, "stock", 8), Map.of("pointId", east, "stock", 4)));
    body.put("pickup", pickup);
    long activity = shop.schedule("shop-1", body);
    long cancelled = shop.schedule("shop-1", Shop.activity(3, 5, 1, Duration.ofMinutes(30), Duration.ofMinutes(30)));
    shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/activities/" + cancelled + "/cancellation", null)
        .expectStatus().isOk();

    for (int i = 0; i < 3; i++) {
      http.post().uri("/api/v1/activities/{id}/orders", activity)
          .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "night-buyer-" + activity + "-" + System.nanoTime())))
          .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", east))
          .exchange().expectStatus().isCreated();
    }

    // One answer serves every caller for a second: wait for a fresh one.
    await().atMost(PATIENCE).untilAsserted(() -> {
      Map<?, ?> tonight = tonight();
      assertThat(Instant.parse((String) tonight.get("at"))).isBefore(Instant.now().plusSeconds(1));
      assertThat(((Number) tonight.get("reservationsPerSecond")).doubleValue()).isNotNegative();
      assertThat(tonight.get("relayLagMs")).isInstanceOf(Number.class);
      assertThat(tonight.get("workerBacklog")).isInstanceOf(Number.class);
      List<?> activities = (List<?>) tonight.get("activities");
      assertThat(activities).noneMatch(a -> ((Number) ((Map<?, ?>) a).get("id")).longValue() == cancelled);
      Map<?, ?> shown = activities.stream().map(a -> (Map<?, ?>) a)
          .filter(a -> ((Number) a.get("id")).longValue() == activity).findFirst().orElseThrow();
      assertThat(shown.get("title")).isEqualTo("韶关沙田柚 5 斤装");
      assertThat(shown.get("remaining")).isEqualTo(9);
      assertThat(shown.get("groupsFormed")).isEqualTo(0);
      assertThat(shown.get("points")).isEqualTo(List.of(Map.of("pointId", (int) north, "remaining", 8),
          Map.of("pointId", (int) east, "remaining", 1)));
    });
  }

  private Map<?, ?> tonight() {
    return http.get().uri(TONIGHT).headers(h -> h.setBearerAuth(Tokens.of("ADMIN", "ops"))).exchange()
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
  }
}
