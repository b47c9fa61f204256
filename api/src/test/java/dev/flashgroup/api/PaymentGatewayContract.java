package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.order.Orders;
import dev.flashgroup.engine.payment.PaymentGateway;
import dev.flashgroup.engine.payment.PaymentGateway.PaymentRequest;
import dev.flashgroup.engine.payment.PaymentGateway.PaymentStart;
import dev.flashgroup.engine.payment.PaymentGateway.RefundOrder;
import dev.flashgroup.engine.payment.PaymentGatewayUnavailable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/**
 * What every {@link PaymentGateway} adapter promises, run against each of them (bucket4j's
 * {@code AbstractDistributedBucketTest} is the model): a payment starts for the order's amount and
 * the same payment when asked again; the gateway's news of a payment confirms the order once however
 * often and however simultaneously it arrives; a refund number pays out its amount once, however
 * often and however simultaneously it is asked for; a gateway that cannot answer fails the start
 * with {@link PaymentGatewayUnavailable}, never with its SDK's exception. Observed through the
 * engine (the order in Redis) and through what the adapter's counterpart recorded as paid out,
 * never through the adapter's own tables.
 */
abstract class PaymentGatewayContract {

  static final Duration PATIENCE = Duration.ofSeconds(30);
  /** Shop.activity's prices: a solo order costs 3990 fen, a group member 2990. */
  static final long SOLO_PRICE = 3990;
  static final long GROUP_PRICE = 2990;
  private static final int AT_ONCE = 8;

  @Autowired WebTestClient http;
  @Autowired PaymentGateway gateway;
  @Autowired Orders orders;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  /** A buyer the gateway can charge, with the token our API gave them. */
  record Buyer(String id, String token) {}

  /** The {@code provider} the adapter names in {@link PaymentStart}. */
  abstract String provider();

  abstract Buyer buyer();

  /** What identifies the payment the buyer is asked to make (a prepay), among a start's parameters. */
  abstract String paymentReference(PaymentStart start);

  /**
   * Has {@code order}'s buyer pay it in full at the gateway (whose news may reach us by itself), and
   * returns what delivers that news to us once more; called after the payment started.
   */
  abstract Callable<?> paidNotice(OrderView order);

  /** How often the counterpart paid money out under {@code refundNo} so far. */
  abstract int timesPaidOut(String refundNo);

  /** How much the counterpart paid out under {@code refundNo}; 0 for none. */
  abstract long amountPaidOut(String refundNo);

  /** Whether the counterpart has finished paying out {@code refundNo}. */
  abstract boolean refundSettled(String refundNo);

  /**
   * Makes the counterpart fail every call until the test ends (the subclass undoes it before the
   * next); false when the adapter has no counterpart that can fail.
   */
  abstract boolean counterpartFails();

  @Test
  void startsAPaymentOfTheOrderForItsBuyer() {
    OrderView order = soloOrder(buyer());

    PaymentStart start = gateway.startPayment(request(order)).block(PATIENCE);

    assertThat(start.orderId()).isEqualTo(order.id());
    assertThat(start.provider()).isEqualTo(provider());
    assertThat(paymentReference(start)).isNotBlank();
  }

  @Test
  void askingAgainStartsTheSamePayment() {
    OrderView order = soloOrder(buyer());

    PaymentStart first = gateway.startPayment(request(order)).block(PATIENCE);
    PaymentStart second = gateway.startPayment(request(order)).block(PATIENCE);

    assertThat(paymentReference(second)).isEqualTo(paymentReference(first));
  }

  @Test
  void paidNoticeConfirmsTheOrderOnceHoweverOftenItArrives() throws Exception {
    OrderView order = soloOrder(buyer());
    long reserved = version(order);
    gateway.startPayment(request(order)).block(PATIENCE);
    Callable<?> notice = paidNotice(order);

    for (int i = 0; i < 3; i++) {
      notice.call();
    }

    await().atMost(PATIENCE).until(() -> status(order) == OrderStatus.SUCCEEDED);
    assertThat(version(order)).isEqualTo(reserved + 1);
    assertThat(find(order).paidAmount()).isEqualTo(SOLO_PRICE);
  }

  @Test
  void simultaneousNoticesOfOnePaymentConfirmItOnce() throws Exception {
    OrderView order = soloOrder(buyer());
    long reserved = version(order);
    gateway.startPayment(request(order)).block(PATIENCE);
    Callable<?> notice = paidNotice(order);

    allAtOnce(notice);

    await().atMost(PATIENCE).until(() -> status(order) == OrderStatus.SUCCEEDED);
    assertThat(version(order)).isEqualTo(reserved + 1);
    assertThat(find(order).paidAmount()).isEqualTo(SOLO_PRICE);
  }

  @Test
  void partialRefundPaysOutItsAmountOnceHoweverOftenItIsAskedFor() {
    OrderView order = paidSoloOrder();
    RefundOrder difference = new RefundOrder("RD" + order.id(), order.id(), 1000, SOLO_PRICE);

    gateway.refund(difference).block(PATIENCE);
    gateway.refund(difference).block(PATIENCE);

    await().atMost(PATIENCE).until(() -> refundSettled(difference.refundNo()));
    gateway.refund(difference).block(PATIENCE);
    assertThat(timesPaidOut(difference.refundNo())).isEqualTo(1);
    assertThat(amountPaidOut(difference.refundNo())).isEqualTo(1000);
  }

  @Test
  void simultaneousRefundsOfOneRefundNumberPayOutOnce() throws Exception {
    OrderView order = paidSoloOrder();
    RefundOrder difference = new RefundOrder("RD" + order.id(), order.id(), 700, SOLO_PRICE);

    allAtOnce(() -> gateway.refund(difference).block(PATIENCE));

    await().atMost(PATIENCE).until(() -> refundSettled(difference.refundNo()));
    assertThat(timesPaidOut(difference.refundNo())).isEqualTo(1);
    assertThat(amountPaidOut(difference.refundNo())).isEqualTo(700);
  }

  /** The engine's own refund (a failed group's member, {@code RF<orderId>}) through the same gateway. */
  @Test
  void memberOfAFailedGroupGetsTheWholeAmountBackOnce() {
    Buyer leader = buyer();
    long activity = activity(Duration.ofSeconds(2));
    String orderId = (String) reserve(leader, "/api/v1/activities/" + activity + "/groups").get("orderId");
    OrderView order = find(orderId);
    gateway.startPayment(request(order)).block(PATIENCE);
    deliver(paidNotice(order));

    await().atMost(PATIENCE).until(() -> status(order) == OrderStatus.REFUNDED);
    String refundNo = "RF" + orderId;
    await().atMost(PATIENCE).until(() -> refundSettled(refundNo));
    gateway.refund(new RefundOrder(refundNo, orderId, GROUP_PRICE, GROUP_PRICE)).block(PATIENCE);
    assertThat(timesPaidOut(refundNo)).isEqualTo(1);
    assertThat(amountPaidOut(refundNo)).isEqualTo(GROUP_PRICE);
    assertThat(find(order).refundedAmount()).isEqualTo(GROUP_PRICE);
  }

  @Test
  void gatewayThatCannotAnswerFailsTheStartWithItsOwnException() {
    OrderView order = soloOrder(buyer());
    long reserved = version(order);
    assumeTrue(counterpartFails(), "this adapter has no counterpart that can fail");

    StepVerifier.create(gateway.startPayment(request(order)))
        .expectError(PaymentGatewayUnavailable.class)
        .verify(PATIENCE);
    assertThat(status(order)).isEqualTo(OrderStatus.RESERVED);
    assertThat(version(order)).isEqualTo(reserved);
  }

  // ---- helpers ----

  private OrderView paidSoloOrder() {
    OrderView order = soloOrder(buyer());
    gateway.startPayment(request(order)).block(PATIENCE);
    deliver(paidNotice(order));
    await().atMost(PATIENCE).until(() -> status(order) == OrderStatus.SUCCEEDED);
    return find(order);
  }

  private OrderView soloOrder(Buyer buyer) {
    long activity = activity(Duration.ofMinutes(10));
    return find((String) reserve(buyer, "/api/v1/activities/" + activity + "/orders").get("orderId"));
  }

  private long activity(Duration groupTtl) {
    return new Shop(http).schedule("shop-1", Shop.activity(2, 10, 1, groupTtl, Duration.ofMinutes(5)));
  }

  private Map<?, ?> reserve(Buyer buyer, String uri) {
    return http.post().uri(uri).headers(h -> h.setBearerAuth(buyer.token())).exchange()
        .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
  }

  static PaymentRequest request(OrderView order) {
    return new PaymentRequest(order.id(), order.buyerId(), order.amount(), order.payBy(), "Shaoguan mandarins 5 kg");
  }

  private OrderView find(OrderView order) {
    return find(order.id());
  }

  private OrderView find(String orderId) {
    return orders.find(orderId).block(PATIENCE);
  }

  private OrderStatus status(OrderView order) {
    return find(order).status();
  }

  /**
   * The order's version in Redis: every transition a script makes bumps it by one, so a payment
   * confirmed twice would show as two (the relay deletes stream entries once relayed, and MySQL
   * holds one payment per order by its schema: neither could tell).
   */
  private long version(OrderView order) {
    Object version = redis.opsForHash().get(keys.of(new ActivityId(order.activityId())).order(order.id()), "version")
        .block(PATIENCE);
    return Long.parseLong(String.valueOf(version));
  }

  private static void deliver(Callable<?> notice) {
    try {
      notice.call();
    } catch (Exception e) {
      throw new IllegalStateException("the gateway's notice could not be delivered", e);
    }
  }

  /** Runs {@code call} on {@value #AT_ONCE} threads released together; every run must succeed. */
  private static void allAtOnce(Callable<?> call) throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(AT_ONCE);
    try {
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < AT_ONCE; i++) {
        runs.add(callers.submit(() -> {
          gate.await();
          return call.call();
        }));
      }
      gate.countDown();
      for (Future<?> run : runs) {
        run.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }
  }
}
