package dev.flashgroup.engine.order;

import static dev.flashgroup.engine.kernel.SqlTime.instant;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Shards;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Orders, read from Redis while their activity is warm; once its keys are gone (retired, see
 * retire_activity.lua), from MySQL, which then holds the same state.
 */
@Component
public class Orders {

  private static final List<String> FIELDS = List.of("status", "buyer", "group", "amount", "pay_by", "paid_amount",
      "final_amount", "refunded_amount", "point", "picked_up_at", "pickup_from", "pickup_to", "rollovers");

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Shards shards;
  private final DatabaseClient db;

  Orders(ReactiveStringRedisTemplate redis, RedisKeys keys, Shards shards, DatabaseClient db) {
    this.redis = redis;
    this.keys = keys;
    this.shards = shards;
    this.db = db;
  }

  /** The order as Redis holds it, or else as MySQL does (its activity retired, or not rebuilt yet). */
  public Mono<OrderView> find(String orderId) {
    return live(orderId).switchIfEmpty(Mono.defer(() -> recorded(orderId)));
  }

  /** The order as Redis holds it, empty when Redis does not: what may still take money. */
  public Mono<OrderView> live(String orderId) {
    return ActivityId.owning(orderId).map(activity -> live(activity, orderId))
        .orElseGet(Mono::empty);
  }

  private Mono<OrderView> live(ActivityId activity, String orderId) {
    return shards.keysOf(activity, orderId)
        .flatMap(k -> redis.<String, String>opsForHash().multiGet(k.order(orderId), FIELDS))
        .map(OrderHash::new)
        .filter(o -> o.get("status") != null)
        .map(o -> new OrderView(orderId, activity.value(), o.get("group").isEmpty() ? null : o.get("group"),
            o.get("buyer"), OrderStatus.valueOf(o.get("status")), Long.parseLong(o.get("amount")),
            Instant.ofEpochMilli(Long.parseLong(o.get("pay_by"))), o.amountOrZero("paid_amount"),
            o.amountOrNull("final_amount"), o.amountOrZero("refunded_amount"), o.amountOrNull("point"),
            o.instantOrNull("picked_up_at"), o.window()));
  }

  /** Whether MySQL records this transaction as a payment of one of its orders. */
  public Mono<Boolean> knowsTransaction(String transactionId) {
    return db.sql("SELECT COUNT(*) AS n FROM payments WHERE transaction_id = :tx")
        .bind("tx", transactionId)
        .map(row -> row.get("n", Long.class) > 0)
        .one();
  }

  /** The order as MySQL records it (for a caller that already knows Redis has it no more). */
  public Mono<OrderView> recorded(String orderId) {
    return db.sql("SELECT id, activity_id, group_id, buyer_id, status, amount, pay_by, paid_amount, final_amount,"
            + " refunded_amount, pickup_point_id, picked_up_at, pickup_from, pickup_to, rollovers FROM orders WHERE id = :id")
        .bind("id", orderId)
        .map(Orders::view)
        .one();
  }

  private static OrderView view(Readable row) {
    Long paid = row.get("paid_amount", Long.class);
    Long refunded = row.get("refunded_amount", Long.class);
    return new OrderView(row.get("id", String.class), row.get("activity_id", Long.class),
        row.get("group_id", String.class), row.get("buyer_id", String.class),
        OrderStatus.valueOf(row.get("status", String.class)), row.get("amount", Long.class),
        instant(row.get("pay_by", LocalDateTime.class)), paid == null ? 0 : paid, row.get("final_amount", Long.class),
        refunded == null ? 0 : refunded, row.get("pickup_point_id", Long.class),
        instant(row.get("picked_up_at", LocalDateTime.class)), window(row));
  }

  private static OrderView.Window window(Readable row) {
    Instant from = instant(row.get("pickup_from", LocalDateTime.class));
    Instant to = instant(row.get("pickup_to", LocalDateTime.class));
    Integer rollovers = row.get("rollovers", Integer.class);
    return from == null || to == null ? null : new OrderView.Window(from, to, rollovers == null ? 0 : rollovers);
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

    Instant instantOrNull(String field) {
      Long value = amountOrNull(field);
      return value == null ? null : Instant.ofEpochMilli(value);
    }

    OrderView.Window window() {
      Instant from = instantOrNull("pickup_from");
      Instant to = instantOrNull("pickup_to");
      return from == null || to == null ? null
          : new OrderView.Window(from, to, (int) amountOrZero("rollovers"));
    }

    long amountOrZero(String field) {
      String value = get(field);
      return value == null ? 0 : Long.parseLong(value);
    }
  }
}
