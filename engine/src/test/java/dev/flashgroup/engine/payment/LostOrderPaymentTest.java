package dev.flashgroup.engine.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.order.Orders;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * Money for an order Redis no longer holds goes back through the gateway (the sandbox here) once,
 * as RF + the transaction id, however often it is reported; an activity awaiting its rebuild is not
 * refunded yet.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class LostOrderPaymentTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.payment.sandbox-confirms", () -> "false");
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired PaymentNotifications notifications;
  @Autowired Orders orders;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  @Test
  void aPaymentForALostOrderIsRefundedOnceHoweverOftenItIsReported() {
    Activity activity = schedule();
    Reserved order = (Reserved) reservations.buyAlone(activity.id(), "alice", null).block(PATIENCE);
    redis.delete(keys.of(activity.id()).order(order.orderId())).block(PATIENCE);

    for (int i = 0; i < 3; i++) {
      assertThat(notifications.paid(order.orderId(), "tx-lost", order.amount()).block(PATIENCE))
          .isEqualTo(PaymentConfirmation.REFUNDED_UNKNOWN_ORDER);
    }
    Flux.range(0, 8).flatMap(i -> notifications.paid(order.orderId(), "tx-lost", order.amount()))
        .collectList().block(PATIENCE);
    assertThat(sandboxRefunds()).containsEntry("RFtx-lost", Long.toString(order.amount()))
        .doesNotContainKey("RF" + order.orderId());
  }

  @Test
  void newsRepeatedOfAPaymentThatSettledItsOrderRefundsNothingOnceTheOrderLeftRedis() {
    Activity activity = schedule();
    Reserved order = (Reserved) reservations.buyAlone(activity.id(), "carol", null).block(PATIENCE);
    assertThat(notifications.paid(order.orderId(), "tx-settled", order.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.PAID);
    await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(orders.knowsTransaction("tx-settled").block(PATIENCE)));
    redis.delete(keys.of(activity.id()).order(order.orderId())).block(PATIENCE);

    assertThat(notifications.paid(order.orderId(), "tx-settled", order.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.DUPLICATE);
    assertThat(sandboxRefunds()).doesNotContainKey("RFtx-settled");
  }

  @Test
  void aPaymentForAnOrderOfAnActivityAwaitingItsRebuildIsReportedAgainLater() {
    Activity activity = schedule();
    Reserved order = (Reserved) reservations.buyAlone(activity.id(), "bob", null).block(PATIENCE);
    var k = keys.of(activity.id());
    redis.delete(k.activity(), k.order(order.orderId())).block(PATIENCE);

    assertThat(notifications.paid(order.orderId(), "tx-wait", order.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.NOT_FOUND);
    assertThat(sandboxRefunds()).doesNotContainKey("RFtx-wait");
  }

  private Activity schedule() {
    Instant now = Instant.now();
    return scheduling.schedule("shop-1", new ActivityDraft("Chestnuts", Mode.STANDARD, 2, 100L, 200L, 5, 1,
        now.minusSeconds(1), now.plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5))).block(PATIENCE);
  }

  private Map<String, String> sandboxRefunds() {
    return redis.<String, String>opsForHash().entries(keys.sandboxRefunds())
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE);
  }
}
