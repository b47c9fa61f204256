package dev.flashgroup.engine.payment;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Shards;
import dev.flashgroup.engine.order.Orders;
import dev.flashgroup.engine.order.RefundNumber;
import dev.flashgroup.engine.recovery.LostActivities;
import dev.flashgroup.engine.timer.PickupNotices;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Where every gateway reports money that moved. Both calls are idempotent. */
@Service
public class PaymentNotifications {

  private static final Logger log = LoggerFactory.getLogger(PaymentNotifications.class);

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Shards shards;
  private final RedisScript<List<String>> confirmPayment;
  private final RedisScript<String> confirmRefund;
  private final Clock clock;
  /** The gateways report through this class, so the gateway is looked up when money must go back. */
  private final ObjectProvider<PaymentGateway> gateway;
  private final Orders orders;
  private final LostActivities lost;
  /** Features that record their own refunds (claims); looked up per call, as they use the gateway. */
  private final ObjectProvider<RecordedRefunds> recorded;
  private final PickupNotices pickups;
  /** A rehearsal's copy ({@link #rehearsal}): nothing outside its scratch keys is looked at. */
  private final boolean scratch;

  @Autowired
  PaymentNotifications(ReactiveStringRedisTemplate redis, RedisKeys keys, Shards shards, RedisScript<List<String>> confirmPayment,
      RedisScript<String> confirmRefund, Clock clock, ObjectProvider<PaymentGateway> gateway, Orders orders,
      LostActivities lost, ObjectProvider<RecordedRefunds> recorded, PickupNotices pickups) {
    this(redis, keys, shards, confirmPayment, confirmRefund, clock, gateway, orders, lost, recorded, pickups, false);
  }

  private PaymentNotifications(ReactiveStringRedisTemplate redis, RedisKeys keys, Shards shards,
      RedisScript<List<String>> confirmPayment, RedisScript<String> confirmRefund, Clock clock,
      ObjectProvider<PaymentGateway> gateway, Orders orders, LostActivities lost,
      ObjectProvider<RecordedRefunds> recorded, PickupNotices pickups, boolean scratch) {
    this.scratch = scratch;
    this.redis = redis;
    this.keys = keys;
    this.shards = shards;
    this.confirmPayment = confirmPayment;
    this.confirmRefund = confirmRefund;
    this.clock = clock;
    this.gateway = gateway;
    this.orders = orders;
    this.lost = lost;
    this.recorded = recorded;
    this.pickups = pickups;
  }

  /**
   * A copy that confirms payments in {@code scratchKeys}' namespace, for the opening rehearsal: the
   * same script as a gateway's notification, telling no sweeper; an order it cannot find is
   * NOT_FOUND, never looked up in MySQL, never refunded through a gateway.
   */
  public PaymentNotifications rehearsal(RedisKeys scratchKeys) {
    return new PaymentNotifications(redis, scratchKeys, shards, confirmPayment, confirmRefund, clock, gateway, orders, lost,
        recorded, new PickupNotices(), true);
  }

  public Mono<PaymentConfirmation> paid(String orderId, String transactionId, long amount) {
    return ActivityId.owning(orderId)
        .map(activity -> paid(activity, orderId, transactionId, amount)
            .flatMap(outcome -> outcome == PaymentConfirmation.NOT_FOUND && !scratch
                ? unknownOrder(activity, orderId, transactionId, amount) : Mono.just(outcome)))
        .orElseGet(() -> Mono.just(PaymentConfirmation.NOT_FOUND));
  }

  /**
   * Money for an order Redis does not hold. A transaction MySQL already records settled its order
   * before the order left Redis (retired): news of it repeated is a DUPLICATE. While the activity
   * awaits its rebuild ({@link LostActivities}: MySQL says it should be warm, Redis has no hash),
   * the rebuild may bring the order back: NOT_FOUND, so the gateway reports it again later. Otherwise the
   * order is gone for good (it never reached MySQL before Redis lost it, or its activity was
   * retired, when nothing can take money any more) and the money goes back through the gateway,
   * once: the refund number {@code RF<transaction>} is the gateway's idempotency key, so repeated
   * news refunds once.
   */
  private Mono<PaymentConfirmation> unknownOrder(ActivityId activity, String orderId, String transactionId,
      long amount) {
    return orders.knowsTransaction(transactionId).zipWith(lost.awaitsRebuild(activity)).flatMap(known -> {
      if (known.getT1()) {
        return Mono.just(PaymentConfirmation.DUPLICATE);
      }
      if (known.getT2()) {
        return Mono.just(PaymentConfirmation.NOT_FOUND);
      }
      RefundNumber refundNo = RefundNumber.returned(transactionId);
      log.warn("payment {} ({} fen) is for order {}, which the engine no longer holds: refunded as {}",
          transactionId, amount, orderId, refundNo);
      return gateway.getObject().refund(new PaymentGateway.RefundOrder(refundNo.value(), orderId, amount, amount))
          .thenReturn(PaymentConfirmation.REFUNDED_UNKNOWN_ORDER);
    });
  }

  /**
   * A refund the gateway paid out: a claim's ({@link RecordedRefunds}) is recorded by its feature in
   * MySQL; every other one by confirm_refund.lua on the order in Redis.
   *
   * @return REFUNDED, DUPLICATE, NOT_FOUND or UNKNOWN_REFUND
   */
  public Mono<String> refunded(String orderId, String refundNo) {
    RecordedRefunds owner = recorded.orderedStream().filter(r -> r.records(refundNo)).findFirst().orElse(null);
    if (owner != null) {
      return owner.confirmed(orderId, refundNo);
    }
    return ActivityId.owning(orderId).map(activity -> refunded(activity, orderId, refundNo))
        .orElseGet(() -> Mono.just("NOT_FOUND"));
  }

  /**
   * A refund the gateway gave up (ABNORMAL): a claim's is marked so by its feature; the others are
   * listed from the adapter's own records ({@code AbnormalRefunds}) and change nothing here.
   */
  public Mono<Void> refundAbnormal(String orderId, String refundNo) {
    return recorded.orderedStream().filter(r -> r.records(refundNo)).findFirst()
        .map(owner -> owner.abnormal(orderId, refundNo))
        .orElseGet(Mono::empty);
  }

  private Mono<PaymentConfirmation> paid(ActivityId activity, String orderId, String transactionId, long amount) {
    return keysOf(activity, orderId).flatMap(k -> redis.execute(confirmPayment,
            List.of(k.activity(), k.paymentDeadlines(), k.groupDeadlines(), k.openGroups(), k.events(), k.retirement(),
                k.pickupDeadlines(), k.pickupReminders()),
            List.of(k.prefix(), orderId, transactionId, Long.toString(amount), Long.toString(clock.millis())))
        .next())
        .map(reply -> PaymentConfirmation.valueOf(reply.get(0)))
        .doOnNext(outcome -> {
          // A paid solo order, or the members of a group this payment completed, are collectable now.
          if (outcome == PaymentConfirmation.PAID || outcome == PaymentConfirmation.GROUP_SUCCEEDED) {
            pickups.mayHaveNewTimer(activity);
          }
        });
  }

  /** The bucket holding the order; a rehearsal's scratch activities are never sharded. */
  private Mono<RedisKeys.ActivityKeys> keysOf(ActivityId activity, String orderId) {
    return scratch ? Mono.just(keys.of(activity)) : shards.keysOf(activity, orderId);
  }

  private Mono<String> refunded(ActivityId activity, String orderId, String refundNo) {
    return keysOf(activity, orderId).flatMap(k -> redis.execute(confirmRefund, List.of(k.events()),
            List.of(k.prefix(), orderId, refundNo, Long.toString(clock.millis())))
        .next());
  }
}
