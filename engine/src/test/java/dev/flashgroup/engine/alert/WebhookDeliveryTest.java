package dev.flashgroup.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import dev.flashgroup.engine.kernel.SqlTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alerts reach the merchants' webhooks from the MySQL outbox: signed, once per alert as the receiver
 * counts them (its idempotency id), retried with backoff after a failure, and a receiver that hangs
 * holds up nobody else's alerts.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.webhooks.interval", () -> "PT0.05S");
    registry.add("flashgroup.webhooks.base-delay", () -> "PT0.2S");
    registry.add("flashgroup.webhooks.max-delay", () -> "PT1S");
    registry.add("flashgroup.webhooks.timeout", () -> "PT3S");
    registry.add("flashgroup.webhooks.lease", () -> "PT20S");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired Webhooks webhooks;
  @Autowired DatabaseClient db;

  private final Scheduler buyers = Schedulers.newBoundedElastic(8, 1_000, "hook-buyers");

  @AfterAll
  void stopBuyers() {
    buyers.dispose();
  }

  /** An activity of 3 units with safety stock 2: its first reservation alerts. */
  private Activity crossed(String merchant) {
    Instant now = Instant.now();
    Activity activity = scheduling.schedule(merchant, new ActivityDraft("Lychees", Mode.STANDARD, 2, 100L, 200L, 3, 1,
        now.minusSeconds(1), now.plusSeconds(3600), Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(), 0, null,
        null, null, 2, null)).block(PATIENCE);
    assertThat(reservations.buyAlone(activity.id(), "buyer-" + merchant, null).subscribeOn(buyers).block(PATIENCE))
        .isInstanceOf(Reserved.class);
    return activity;
  }

  private Map<String, Object> delivery(Activity activity) {
    return db.sql("SELECT d.status, d.attempts, d.alert_id FROM webhook_deliveries d"
            + " JOIN stock_alerts s ON s.id = d.alert_id WHERE s.activity_id = :id")
        .bind("id", activity.id().value()).fetch().one().block(PATIENCE);
  }

  @Test
  void eachAlertArrivesSignedAndOnceDespiteAFirstFailedDelivery() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.failingFirst(1)) {
      receiver.secret(webhooks.configure("shop-hook", receiver.url()).block(PATIENCE).secret());

      Activity activity = crossed("shop-hook");

      await().atMost(PATIENCE).until(() -> receiver.accepted().size() == 1);
      await().atMost(PATIENCE).until(() -> "DELIVERED".equals(delivery(activity).get("status")));
      Map<String, Object> row = delivery(activity);
      assertThat(row).containsEntry("attempts", 2);
      assertThat(receiver.all()).hasSize(2).allMatch(WebhookReceiver.Received::signed)
          .extracting(WebhookReceiver.Received::id).containsOnly((String) row.get("alert_id"));
      JsonNode body = JSON.readTree(receiver.accepted().get(0).body());
      assertThat(body.get("type").asString()).isEqualTo("STOCK_LOW");
      assertThat(body.get("id").asString()).isEqualTo(row.get("alert_id"));
      assertThat(body.get("activityId").asLong()).isEqualTo(activity.id().value());
      assertThat(body.get("pointId").isNull()).isTrue();
      assertThat(body.get("remaining").asLong()).isEqualTo(2);
      assertThat(body.get("safetyStock").asLong()).isEqualTo(2);
    }
  }

  @Test
  void aHangingReceiverHoldsUpNobodyElsesAlerts() throws Exception {
    try (WebhookReceiver slow = WebhookReceiver.hanging(); WebhookReceiver fast = WebhookReceiver.failingFirst(0)) {
      slow.secret(webhooks.configure("shop-slow", slow.url()).block(PATIENCE).secret());
      fast.secret(webhooks.configure("shop-fast", fast.url()).block(PATIENCE).secret());

      Activity stuck = crossed("shop-slow");
      await().atMost(PATIENCE).until(() -> slow.all().size() == 1);
      Activity served = crossed("shop-fast");

      await().atMost(PATIENCE).until(() -> fast.accepted().size() == 1);
      // The slow receiver still holds its first request: nothing waited for it.
      assertThat(slow.accepted()).isEmpty();
      assertThat(delivery(stuck)).containsEntry("status", "PENDING");
      await().atMost(PATIENCE).until(() -> "DELIVERED".equals(delivery(served).get("status")));
      slow.release();
      await().atMost(PATIENCE).until(() -> "DELIVERED".equals(delivery(stuck).get("status")));
      assertThat(slow.accepted()).hasSize(1);
    }
  }

  @Test
  void aMerchantWithManyAlertsToAHangingReceiverHoldsAtMostTwoPlaces() throws Exception {
    try (WebhookReceiver dead = WebhookReceiver.hanging(); WebhookReceiver fast = WebhookReceiver.failingFirst(0)) {
      dead.secret(webhooks.configure("shop-flood", dead.url()).block(PATIENCE).secret());
      fast.secret(webhooks.configure("shop-calm", fast.url()).block(PATIENCE).secret());
      // 50 alerts of shop-flood, all due a minute before anybody else's.
      LocalDateTime earlier = SqlTime.utc(Instant.now().minusSeconds(60));
      for (int i = 0; i < 50; i++) {
        db.sql("INSERT INTO stock_alerts (id, activity_id, merchant_id, point_id, order_id, remaining, safety_stock,"
                + " alerted_at) VALUES (:id, 999999, 'shop-flood', NULL, :id, 1, 2, :at)")
            .bind("id", "flood-" + i).bind("at", earlier).then().block(PATIENCE);
        db.sql("INSERT INTO webhook_deliveries (alert_id, merchant_id, status, attempts, due_at, created_at)"
                + " VALUES (:id, 'shop-flood', 'PENDING', 0, :at, :at)")
            .bind("id", "flood-" + i).bind("at", earlier).then().block(PATIENCE);
      }
      await().atMost(PATIENCE).until(() -> dead.all().size() == 2);

      Activity served = crossed("shop-calm");

      // Well within the dead receiver's 3 s timeout: no place of the 16 waited for it.
      await().atMost(Duration.ofMillis(2_500)).until(() -> fast.accepted().size() == 1);
      assertThat(dead.all()).hasSize(2);
      assertThat(db.sql("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE merchant_id = 'shop-flood'"
          + " AND lease_owner IS NOT NULL").map(r -> r.get("n", Long.class)).one().block(PATIENCE)).isEqualTo(2L);
      await().atMost(PATIENCE).until(() -> "DELIVERED".equals(delivery(served).get("status")));
      db.sql("UPDATE webhook_deliveries SET status = 'FAILED' WHERE merchant_id = 'shop-flood'").then().block(PATIENCE);
    }
  }

  @Test
  void aNewUrlComesWithANewSecretAndBadUrlsAreRefused() {
    Webhooks.Configured first = webhooks.configure("shop-rotate", "https://hooks.example.com/a").block(PATIENCE);
    Webhooks.Configured second = webhooks.configure("shop-rotate", "https://hooks.example.com/b").block(PATIENCE);

    assertThat(first.secret()).startsWith("whsec_").hasSize(70).isNotEqualTo(second.secret());
    assertThat(db.sql("SELECT url, secret FROM merchant_webhooks WHERE merchant_id = 'shop-rotate'").fetch().one()
        .block(PATIENCE)).containsEntry("url", "https://hooks.example.com/b").containsEntry("secret", second.secret());
    for (String bad : List.of("ftp://hooks.example.com/a", "https://user:pw@hooks.example.com/", "hooks.example.com",
        "https://hooks.example.com/" + "x".repeat(500), "https://hooks.example.com/a b")) {
      assertThatThrownBy(() -> webhooks.configure("shop-rotate", bad).block(PATIENCE))
          .as(bad).isInstanceOf(InvalidWebhookUrl.class);
    }
  }
}
