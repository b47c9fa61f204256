package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.payment.PaymentConfirmation;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The life of groups and orders over HTTP, down to the rows in MySQL. */
@IsolatedServices
@ApiTest
class GroupLifecycleTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired PaymentNotifications notifications;
  Shop shop;
  Rows rows;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
    rows = new Rows(db);
  }

  @Test
  void groupSucceedsWhenEveryMemberPaid() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Map<?, ?> opened = shop.open("alice", activity);
    Map<?, ?> joined = shop.join("bob", opened.get("groupId"));
    assertThat(joined.get("groupId")).isEqualTo(opened.get("groupId"));
    assertThat(joined.get("amount")).isEqualTo(2990);

    shop.pay("alice", opened.get("orderId"));
    shop.pay("bob", joined.get("orderId"));

    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(rows.groupStatus(opened.get("groupId"))));
    await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(rows.orderStatus(opened.get("orderId")))
        && "SUCCEEDED".equals(rows.orderStatus(joined.get("orderId"))));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id IN ('" + opened.get("orderId") + "', '"
        + joined.get("orderId") + "')")).isEqualTo(2);
    http.get().uri("/api/v1/groups/" + opened.get("groupId"))
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "carol"))).exchange()
        .expectStatus().isOk().expectBody()
        .jsonPath("$.status").isEqualTo("SUCCEEDED")
        .jsonPath("$.paid").isEqualTo(2)
        .jsonPath("$.leaderId").isEqualTo("a***e")
        .jsonPath("$.members[0]").isEqualTo("a***e")
        .jsonPath("$.members[1]").isEqualTo("b***b")
        .jsonPath("$.remainingSlots").isEqualTo(0);
  }

  @Test
  void groupThatNeverFillsFailsAndRefundsItsPaidMemberExactlyOnce() {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 1, Duration.ofSeconds(2), Duration.ofMinutes(5)));
    Map<?, ?> opened = shop.open("alice", activity);
    Map<?, ?> joined = shop.join("bob", opened.get("groupId"));
    shop.pay("alice", opened.get("orderId"));

    await().atMost(PATIENCE).until(() -> "FAILED".equals(rows.groupStatus(opened.get("groupId"))));
    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(rows.orderStatus(opened.get("orderId"))));
    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(rows.orderStatus(joined.get("orderId"))));

    String refundNo = "RF" + opened.get("orderId");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE order_id = '" + opened.get("orderId")
        + "' AND status = 'CONFIRMED' AND amount = 2990")).isEqualTo(1);
    assertThat(redis.opsForHash().get(keys.sandboxRefunds(), refundNo).block(PATIENCE)).isEqualTo("2990");
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE order_id = '" + joined.get("orderId") + "'")).isZero();

    // The units are back on sale while the activity runs.
    http.get().uri("/api/v1/activities/" + activity).headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "dan")))
        .exchange().expectStatus().isOk().expectBody().jsonPath("$.remainingStock").isEqualTo(10);
  }

  @Test
  void unpaidReservationExpiresAndItsUnitSellsAgain() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 1, 1, Duration.ofMinutes(10), Duration.ofSeconds(1)));
    Map<?, ?> first = shop.solo("alice", activity);
    shop.refused("bob", "/api/v1/activities/" + activity + "/orders", HttpStatus.CONFLICT, "SOLD_OUT");

    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(rows.orderStatus(first.get("orderId"))));
    Map<?, ?> second = shop.solo("bob", activity);
    assertThat(second.get("orderId")).isNotEqualTo(first.get("orderId"));
    assertThat(second.get("amount")).isEqualTo(3990);
    shop.post("alice", "/api/v1/orders/" + first.get("orderId") + "/payment").expectStatus().isEqualTo(HttpStatus.CONFLICT)
        .expectBody().jsonPath("$.code").isEqualTo("NOT_PAYABLE");
  }

  @Test
  void paymentArrivingAfterExpiryIsRefunded() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 5, 1, Duration.ofMinutes(10), Duration.ofSeconds(1)));
    Map<?, ?> order = shop.solo("alice", activity);
    await().atMost(PATIENCE).until(() -> "EXPIRED".equals(rows.orderStatus(order.get("orderId"))));

    String orderId = (String) order.get("orderId");
    assertThat(notifications.paid(orderId, "WX-late-1", 3990).block(PATIENCE)).isEqualTo(PaymentConfirmation.LATE_REFUND);
    assertThat(notifications.paid(orderId, "WX-late-1", 3990).block(PATIENCE)).isEqualTo(PaymentConfirmation.DUPLICATE);

    await().atMost(PATIENCE).until(() -> "REFUNDED".equals(rows.orderStatus(orderId)));
    assertThat(rows.count("SELECT COUNT(*) AS n FROM payments WHERE order_id = '" + orderId + "'")).isEqualTo(1);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM refunds WHERE order_id = '" + orderId + "' AND status = 'CONFIRMED'"))
        .isEqualTo(1);
  }



}
