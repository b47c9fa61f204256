package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.wechatfake.SubscribeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Pickup reminders as WeChat subscribe messages, through the real WxJava client against the local
 * WeChat (access token fetched, then checked by the stand-in): a channel that refuses twice is
 * retried by the reminder worker and then sends each recipient's reminder exactly once.
 */
@IsolatedServices
@ApiTest
class WechatRemindersTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String TEMPLATE = "pickup-reminder-template";

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;

  @DynamicPropertySource
  static void wechat(DynamicPropertyRegistry registry) {
    // The mini-program only: payments stay with the sandbox gateway.
    WechatStandIn.WECHAT.appSettings().forEach((name, value) -> registry.add(name, () -> value));
    registry.add("flashgroup.notifications.channel", () -> "wechat");
    registry.add("flashgroup.notifications.template-id", () -> TEMPLATE);
    registry.add("flashgroup.pickup.interval", () -> "PT0.2S");
  }

  @Test
  void aRefusedSendIsRetriedAndThenGoesOutOncePerRecipient() {
    Map<?, ?> buyer = login("frank.1");
    Map<?, ?> leader = login("gina.1");
    String buyerToken = (String) buyer.get("token");
    long point = point(String.valueOf(leader.get("buyerId")));
    // A window that has begun: its first reminder is due at once.
    Instant from = Instant.now().minus(Duration.ofMinutes(5));
    Map<String, Object> body = Shop.activity(2, 10, 1, Duration.ofMinutes(30), Duration.ofMinutes(5));
    Map<String, Object> pickup = new LinkedHashMap<>();
    pickup.put("points", List.of(Map.of("pointId", point, "stock", 10)));
    pickup.put("window", Map.of("from", from.toString(), "to", from.plus(Duration.ofHours(3)).toString()));
    body.put("pickup", pickup);
    long activity = new Shop(http).schedule("shop-1", body);
    WechatStandIn.WECHAT.failNextSubscribeMessages(2);
    int before = WechatStandIn.WECHAT.subscribeMessages().size();

    Map<?, ?> order = http.post().uri("/api/v1/activities/{id}/orders", activity)
        .headers(h -> h.setBearerAuth(buyerToken)).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("pickupPointId", point))
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    String orderId = (String) order.get("orderId");
    http.post().uri("/api/v1/orders/{id}/payment", orderId).headers(h -> h.setBearerAuth(buyerToken)).exchange()
        .expectStatus().isOk();

    await().atMost(PATIENCE).until(() -> count("SELECT COUNT(*) AS n FROM pickup_reminders WHERE order_id = '"
        + orderId + "' AND status = 'SENT'") == 2);
    List<SubscribeMessage> sent = WechatStandIn.WECHAT.subscribeMessages();
    assertThat(sent.subList(before, sent.size())).extracting(SubscribeMessage::toUser)
        .containsExactlyInAnyOrder("o-frank", "o-gina");
    assertThat(sent.subList(before, sent.size())).allSatisfy(m -> {
      assertThat(m.templateId()).isEqualTo(TEMPLATE);
      assertThat(m.page()).endsWith("id=" + orderId);
      assertThat(m.miniProgramState()).isEqualTo("formal");
      assertThat(m.data()).containsEntry("character_string1", orderId).containsKeys("time2", "time3", "thing4");
    });
    // Two refusals, then one success per recipient: four attempts in all, every row SENT.
    assertThat(count("SELECT SUM(attempts) AS n FROM pickup_reminders WHERE order_id = '" + orderId + "'"))
        .isEqualTo(4);
    assertThat(count("SELECT COUNT(*) AS n FROM pickup_reminders WHERE order_id = '" + orderId
        + "' AND kind = 'WINDOW_START' AND window_no = 0 AND last_error LIKE '%45009%'")).isEqualTo(1);
  }

  private long count(String sql) {
    Number n = db.sql(sql).map(r -> r.get("n", Number.class)).one().block(Duration.ofSeconds(10));
    return n == null ? 0 : n.longValue();
  }

  private Map<?, ?> login(String code) {
    return http.post().uri("/api/v1/auth/wechat").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("code", code)).exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
  }

  /** A point run by the leader (a buyer bound as its staff). */
  private long point(String staff) {
    WebTestClient admin = http.mutate().defaultHeaders(h -> h.setBearerAuth(Tokens.of("ADMIN", "admin-1"))).build();
    Map<?, ?> created = admin.post().uri("/api/v1/admin/pickup-points").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(PickupPointsTest.point("北门驿站", 24.8, 113.6))
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    long id = ((Number) created.get("id")).longValue();
    admin.post().uri("/api/v1/admin/pickup-points/{id}/staff", id).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("subject", staff)).exchange().expectStatus().isCreated();
    return id;
  }
}
