package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuples;

/**
 * Closes the one window a merchant's cancel or add-stock leaves open: the script ran, and this
 * instance died (or MySQL stayed down through every retry) before the row was written. Buyers
 * already saw the change, so Redis is right and MySQL is copied from it: a cancellation, and a
 * stock total that an applied stock change produced (one of the totals {@code add_stock.lua}
 * remembers; a total it does not know is never copied). The check is two cheap reads; only a
 * difference takes the row lock, which waits for any change in flight to commit, and looks again.
 */
@Component
class ActivityRepair {

  private static final Logger log = LoggerFactory.getLogger(ActivityRepair.class);

  private final Activities activities;
  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final TransactionalOperator tx;

  ActivityRepair(Activities activities, ReactiveStringRedisTemplate redis, RedisKeys keys,
      ReactiveTransactionManager transactions) {
    this.activities = activities;
    this.redis = redis;
    this.keys = keys;
    this.tx = TransactionalOperator.create(transactions);
  }

  /**
   * Brings the activity's row up to what Redis says of its cancellation and stock total; then
   * whether it is still on sale at {@code now} by both stores (not ended, cancelled in neither),
   * false when either does not hold it: only such an activity can have nothing to retire.
   */
  Mono<Boolean> repair(ActivityId id, Instant now) {
    return activities.find(id).flatMap(row -> warm(row).map(redisSide -> Tuples.of(redisSide, row)))
        .flatMap(both -> fix(id, both.getT2(), both.getT1())
            .thenReturn(onSale(both.getT2(), both.getT1(), now)))
        .defaultIfEmpty(false);
  }

  private Mono<Void> fix(ActivityId id, Activity read, Warm redisRead) {
    if (!behind(read, redisRead)) {
      return Mono.empty();
    }
    return tx.transactional(activities.lock(id).flatMap(row -> warm(row).map(w -> Tuples.of(row, w)))
        .flatMap(locked -> {
          Activity row = locked.getT1();
          Warm redisSide = locked.getT2();
          Mono<Void> cancel = redisSide.cancelledAt() != null && !row.cancelled()
              ? announce(id, "cancellation").then(activities.markCancelled(id, redisSide.cancelledAt()))
              : Mono.empty();
          Mono<Void> stock = redisSide.stockTotal() == row.stock() ? Mono.empty()
              : applied(id, redisSide.stockTotal()).filter(Boolean::booleanValue)
                  .flatMap(yes -> announce(id, "stock total " + redisSide.stockTotal())
                      .then(activities.setStock(id, redisSide.stockTotal())));
          return cancel.then(stock);
        })).then();
  }

  /** Cancellation and stock total as the activity's hash holds them; empty when it is not warm. */
  private record Warm(Instant cancelledAt, int stockTotal) {}

  private static boolean onSale(Activity row, Warm redisSide, Instant now) {
    return redisSide.cancelledAt() == null && !row.cancelled() && row.endsAt().isAfter(now);
  }

  private static boolean behind(Activity row, Warm redisSide) {
    return (redisSide.cancelledAt() != null && !row.cancelled()) || redisSide.stockTotal() != row.stock();
  }

  /**
   * One read of the activity's hash, sharded or not. A sharded activity's stock total never
   * changes (added stock is refused, SHARDED_ACTIVITY), so MySQL's is taken as it is: the buckets'
   * {@code stock_total} fields need not add up to it (a rebuilt bucket's holds what it was rebuilt
   * with), and comparing them would lock the row every round for nothing. Its cancellation runs
   * bucket by bucket from bucket 0 ({@code ActivityChanges}), so one cancelled in any bucket is
   * cancelled in bucket 0: that is the bucket read.
   */
  private Mono<Warm> warm(Activity row) {
    RedisKeys.ActivityKeys first = keys.buckets(row.id(), row.shards()).get(0);
    return redis.<String, String>opsForHash()
        .multiGet(first.activity(), List.of("activity_id", "state", "cancelled_at", "stock_total"))
        .filter(v -> v.get(0) != null && v.get(3) != null)
        .map(v -> new Warm("CANCELLED".equals(v.get(1)) && v.get(2) != null
            ? Instant.ofEpochMilli(Long.parseLong(v.get(2))) : null,
            row.shards() > 1 ? row.stock() : Integer.parseInt(v.get(3))));
  }

  /** Whether an applied stock change left exactly this total. */
  private Mono<Boolean> applied(ActivityId id, int total) {
    return redis.<String, String>opsForHash().values(keys.of(id).stockChanges())
        .any(value -> value.equals(Integer.toString(total)));
  }

  private static Mono<Void> announce(ActivityId id, String what) {
    return Mono.fromRunnable(() -> log.warn("Activity {}: MySQL missed its {} that Redis holds; copying it", id, what));
  }
}
