package dev.flashgroup.engine.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.group.GroupView;
import dev.flashgroup.engine.group.Groups;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.order.Orders;
import dev.flashgroup.engine.payment.PaymentConfirmation;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.payment.PaymentOutcome;
import dev.flashgroup.engine.payment.Payments;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An activity that is over is retired by the warmer's round through the whole machinery (relay,
 * workers, sweeper, refunds): its keys get the TTL, it leaves the warm set, is never warmed again,
 * and its orders and groups read the same from MySQL once the keys are gone.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class RetirementTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration RETAIN = Duration.ofHours(1);

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.activities.warm-interval", () -> "PT0.2S");
    registry.add("flashgroup.activities.retain", RETAIN::toString);
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Activities activities;
  @Autowired ActivityFigures figures;
  @Autowired Reservations reservations;
  @Autowired Payments payments;
  @Autowired PaymentNotifications notifications;
  @Autowired Orders orders;
  @Autowired Groups groups;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  @Test
  void aSettledActivityRetiresAndItsViewsAnswerFromMysql() {
    Instant now = Instant.now();
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Pomelos", Mode.STANDARD, 2, 100L, 200L, 5, 1,
        now.minusSeconds(1), now.plusSeconds(6), Duration.ofSeconds(4),
        // Two seconds to pay (one was too tight on a loaded machine), still shorter than the group's
        // life: carol's reservation expires first, so she leaves the group before it fails.
        Duration.ofSeconds(2))).block(PATIENCE);
    var k = keys.of(activity.id());

    Reserved solo = reserved(reservations.buyAlone(activity.id(), "alice", null).block(PATIENCE));
    Reserved opened = reserved(reservations.openGroup(activity.id(), "bob", null).block(PATIENCE));
    Reserved joined = reserved(reservations.joinGroup(opened.groupId(), "carol", null).block(PATIENCE));
    assertThat(payments.start(solo.orderId(), "alice").block(PATIENCE)).isInstanceOf(PaymentOutcome.Started.class);
    assertThat(payments.start(opened.orderId(), "bob").block(PATIENCE)).isInstanceOf(PaymentOutcome.Started.class);

    // carol never pays and leaves the group; it fails at its deadline and bob's money goes back.
    await().atMost(PATIENCE).until(() -> status(opened.orderId()) == OrderStatus.REFUNDED);
    List<String> orderIds = List.of(solo.orderId(), opened.orderId(), joined.orderId());
    List<OrderView> ordersBefore = orderIds.stream().map(id -> orders.find(id).block(PATIENCE)).toList();
    GroupView groupBefore = groups.find(opened.groupId()).block(PATIENCE);
    assertThat(redis.hasKey(k.group(opened.groupId())).block(PATIENCE)).isTrue();
    assertThat(groupBefore.status()).isEqualTo("FAILED");
    assertThat(groupBefore.members()).containsExactly("bob");
    assertThat(ordersBefore).extracting(OrderView::status)
        .containsExactly(OrderStatus.SUCCEEDED, OrderStatus.REFUNDED, OrderStatus.EXPIRED);
    assertThat(figures.remainingStock(activity).block(PATIENCE)).isEqualTo(4);

    await().atMost(PATIENCE).until(() -> !Boolean.TRUE.equals(
        redis.opsForSet().isMember(keys.warmActivities(activity.id()), activity.id().toString()).block(PATIENCE)));
    List<String> activityKeys = redis.scan(ScanOptions.scanOptions().match(k.prefix() + "*").count(1_000).build())
        .collectList().block(PATIENCE);
    assertThat(activityKeys).contains(k.activity(), k.order(solo.orderId()), k.group(opened.groupId()));
    for (String key : activityKeys) {
      assertThat(redis.getExpire(key).block(PATIENCE)).as(key).isPositive().isLessThanOrEqualTo(RETAIN);
    }

    // Money arriving now for carol's expired order cannot go through the stream nobody relays any
    // more: it goes back at once, as RF<transaction>.
    assertThat(notifications.paid(joined.orderId(), "tx-after-retirement", joined.amount()).block(PATIENCE))
        .isEqualTo(PaymentConfirmation.REFUNDED_UNKNOWN_ORDER);
    assertThat(redis.opsForHash().get(keys.sandboxRefunds(), "RFtx-after-retirement").block(PATIENCE))
        .isEqualTo(Long.toString(joined.amount()));
    assertThat(orders.find(joined.orderId()).block(PATIENCE)).isEqualTo(ordersBefore.get(2));

    // What the TTL does later, now: the keys are gone, the views answer from MySQL.
    redis.delete(activityKeys.toArray(String[]::new)).block(PATIENCE);
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(payments.start(joined.orderId(), "carol").block(PATIENCE))
          .isEqualTo(new PaymentOutcome.NotPayable(OrderStatus.EXPIRED));
      assertThat(orderIds.stream().map(id -> orders.find(id).block(PATIENCE)).toList()).isEqualTo(ordersBefore);
      assertThat(groups.find(opened.groupId()).block(PATIENCE)).isEqualTo(groupBefore);
      assertThat(figures.remainingStock(activity).block(PATIENCE)).isEqualTo(4);
    });
    assertThat(activities.dueForWarming(Instant.now(), Instant.now().plus(Duration.ofDays(1))).collectList()
        .block(PATIENCE)).noneMatch(a -> a.id().equals(activity.id()));
  }

  private OrderStatus status(String orderId) {
    OrderView order = orders.find(orderId).block(PATIENCE);
    return order == null ? null : order.status();
  }

  private static Reserved reserved(Object outcome) {
    assertThat(outcome).isInstanceOf(Reserved.class);
    return (Reserved) outcome;
  }
}
