package dev.flashgroup.engine.order;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Instant;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Live orders, read from Redis. */
@Component
public class Orders {

  private static final List<String> FIELDS = List.of("status", "buyer", "group", "amount", "pay_by", "paid_amount",
      "final_amount", "refunded_amount");

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;

  Orders(ReactiveStringRedisTemplate redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  public Mono<OrderView> find(String orderId) {
    return ActivityId.owning(orderId).map(activity -> find(activity, orderId))
        .orElseGet(Mono::empty);
  }

  private Mono<OrderView> find(ActivityId activity, String orderId) {
    return redis.<String, String>opsForHash().multiGet(keys.of(activity).order(orderId), FIELDS)
        .map(OrderHash::new)
        .filter(o -> o.get("status") != null)
        .map(o -> new OrderView(orderId, activity.value(), o.get("group").isEmpty() ? null : o.get("group"),
            o.get("buyer"), OrderStatus.valueOf(o.get("status")), Long.parseLong(o.get("amount")),
            Instant.ofEpochMilli(Long.parseLong(o.get("pay_by"))), o.amountOrZero("paid_amount"),
            o.amountOrNull("final_amount"), o.amountOrZero("refunded_amount")));
  }

  /** The order hash's {@link #FIELDS}, read by name; a field the scripts have not written yet is null. */
  private record OrderHash(List<String> values) {

    String get(String field) {
      return values.get(FIELDS.indexOf(field));
    }

    Long amountOrNull(String field) {
      String value = get(field);
      return value == null ? null : Long.valueOf(value);
    }

    long amountOrZero(String field) {
      String value = get(field);
      return value == null ? 0 : Long.parseLong(value);
    }
  }
}
