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
    return redis.<String, String>opsForHash().multiGet(keys.of(activity).order(orderId), List.copyOf(FIELDS))
        .filter(values -> values.get(0) != null)
        .map(v -> new OrderView(orderId, activity.value(), v.get(2).isEmpty() ? null : v.get(2), v.get(1),
            OrderStatus.valueOf(v.get(0)), Long.parseLong(v.get(3)), Instant.ofEpochMilli(Long.parseLong(v.get(4))),
            orZero(v.get(5)), v.get(6) == null ? null : Long.valueOf(v.get(6)), orZero(v.get(7))));
  }

  private static long orZero(String value) {
    return value == null ? 0 : Long.parseLong(value);
  }
}
