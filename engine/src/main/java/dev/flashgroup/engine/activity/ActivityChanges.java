package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.activity.ActivityChange.Reason;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.timer.DeadlineNotices;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * A merchant edits, cancels or restocks an activity. Every change runs in a MySQL transaction that
 * holds the activity's row lock (so changes of one activity, and its warming, run one at a time),
 * and reaches Redis through one Lua script inside that transaction, so the change lands in both
 * stores or in neither:
 * <ul>
 *   <li><b>edit</b> (before the start only; nothing is sold yet, so it can be undone): MySQL is
 *       written after the script; if the transaction then fails, the previous terms are written
 *       back to Redis (compensation) before the error goes out;</li>
 *   <li><b>cancel</b> and <b>add stock</b> cannot be undone once buyers saw them, so the script
 *       goes first and is idempotent (a second cancel changes nothing; a stock change carries an
 *       id Redis remembers), and a failed MySQL write is retried with the same change: the retry
 *       finds the script's work done and writes the same absolute values.</li>
 * </ul>
 * An activity not warm yet lives in MySQL only; warming locks the same row, so it loads the terms
 * as they are after the change.
 */
@Service
public class ActivityChanges {

  private static final Logger log = LoggerFactory.getLogger(ActivityChanges.class);

  private final Activities activities;
  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<String> editActivity;
  private final RedisScript<List<String>> cancelActivity;
  private final RedisScript<List<String>> addStock;
  private final ActivitySettings settings;
  private final TransactionalOperator tx;
  private final Clock clock;
  private final PickupAllocationCheck allocation;
  private final PickupWindows windows;
  private final DeadlineNotices deadlines;
  private final WarmUp warmUp;

  ActivityChanges(Activities activities, ReactiveStringRedisTemplate redis, RedisKeys keys,
      RedisScript<String> editActivity, RedisScript<List<String>> cancelActivity, RedisScript<List<String>> addStock,
      ActivitySettings settings, ReactiveTransactionManager transactions, Clock clock,
      PickupAllocationCheck allocation, PickupWindows windows, DeadlineNotices deadlines, WarmUp warmUp) {
    this.warmUp = warmUp;
    this.allocation = allocation;
    this.windows = windows;
    this.deadlines = deadlines;
    this.activities = activities;
    this.redis = redis;
    this.keys = keys;
    this.editActivity = editActivity;
    this.cancelActivity = cancelActivity;
    this.addStock = addStock;
    this.settings = settings;
    this.tx = TransactionalOperator.create(transactions);
    this.clock = clock;
  }

  /**
   * Replaces the terms of an activity that has not started. Empty when there is no such activity.
   * An edit that brings the start within warm-ahead warms the activity before the answer, as
   * scheduling does, so it never waits for the warmer's next round.
   */
  public Mono<ActivityChange> edit(ActivityId id, ActivityDraft draft) {
    var violations = draft.violations(clock.instant());
    if (!violations.isEmpty()) {
      return Mono.error(new InvalidActivity(violations));
    }
    // The terms Redis must get back if the transaction fails after the script may have run.
    AtomicReference<Activity> previous = new AtomicReference<>();
    return allocation.check(draft).then(tx.transactional(activities.lock(id).flatMap(current -> {
          Instant now = clock.instant();
          if (current.cancelled()) {
            return refused(Reason.ACTIVITY_CANCELLED);
          }
          if (!now.isBefore(current.startsAt())) {
            return refused(Reason.ACTIVITY_STARTED);
          }
          if (draft.shards() != null && draft.shards() != current.shards()) {
            return refused(Reason.SHARDS_FIXED);
          }
          // A new rate or new talking points only when the merchant names them: an edit of other terms keeps them.
          Activity edited = draft.toActivity(id, current.merchantId(), current.leaderCommissionBps(),
              current.talkingPoints()).withShards(current.shards());
          previous.set(current);
          return writeTerms(edited, now).flatMap(outcome -> switch (outcome) {
            case "CANCELLED" -> refused(Reason.ACTIVITY_CANCELLED);
            case "STARTED" -> refused(Reason.ACTIVITY_STARTED);
            default -> activities.updateTerms(edited).then(activities.writePickup(id, edited.pickup()))
                .then(changed(id));
          });
        })))
        .onErrorResume(e -> previous.get() == null ? Mono.error(e) : restore(previous.get(), e))
        .flatMap(change -> change instanceof ActivityChange.Changed changed
            && settings.startsSoon(changed.activity().startsAt(), clock.instant())
            ? warmUp.warm(changed.activity()).thenReturn(change) : Mono.just(change));
  }

  /** Cancels an activity that has not ended; its open groups fail and refund, unpaid reservations expire. */
  public Mono<ActivityChange> cancel(ActivityId id) {
    return Mono.defer(() -> tx.transactional(activities.lock(id).flatMap(current -> {
          Instant now = clock.instant();
          if (current.cancelled()) {
            return refused(Reason.ACTIVITY_CANCELLED);
          }
          if (!now.isBefore(current.endsAt())) {
            return refused(Reason.ACTIVITY_ENDED);
          }
          // CANCELLED, ALREADY_CANCELLED (a retry after a failed MySQL write) and NOT_FOUND (not
          // warm yet) all leave MySQL to record the cancellation. Every bucket of a sharded one.
          return Flux.fromIterable(keys.buckets(id, current.shards()))
              .concatMap(k -> redis.execute(cancelActivity, List.of(k.activity(), k.groupDeadlines(),
                  k.paymentDeadlines()), List.of(Long.toString(now.toEpochMilli()))).next())
              .last()
              // The script made every deadline of the activity due now.
              .doOnNext(outcome -> deadlines.mayHaveNewDeadline(id))
              .then(activities.markCancelled(id, now))
              .then(changed(id));
        })))
        .retryWhen(mysqlRetries());
  }

  /**
   * Adds units to an activity that has not ended; buyers can take them at once. A repeated
   * {@code idempotencyKey} (null for none) adds nothing again, e.g. when the merchant's first
   * request timed out or this instance died after Redis took the change.
   */
  public Mono<ActivityChange> addStock(ActivityId id, int units, String idempotencyKey) {
    if (units < 1 || units > ActivityDraft.MAX_STOCK) {
      return Mono.error(tooManyUnits("must be between 1 and " + ActivityDraft.MAX_STOCK));
    }
    // Not UUID.randomUUID(): SecureRandom may block on the event loop; the id only has to be unique.
    String changeId = idempotencyKey != null && !idempotencyKey.isBlank() ? "key:" + idempotencyKey
        : new UUID(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong()).toString();
    return Mono.defer(() -> tx.transactional(activities.lock(id).flatMap(current -> restock(current, units, changeId))))
        .retryWhen(mysqlRetries());
  }

  private Mono<ActivityChange> restock(Activity current, int units, String changeId) {
    Instant now = clock.instant();
    if (current.cancelled()) {
      return refused(Reason.ACTIVITY_CANCELLED);
    }
    if (!now.isBefore(current.endsAt())) {
      return refused(Reason.ACTIVITY_ENDED);
    }
    // Units outside every point's share could never be reserved (each reservation names a point).
    if (current.pickup() != null) {
      return refused(Reason.ALLOCATED_PER_POINT);
    }
    if (current.shards() > 1) {
      return refused(Reason.SHARDED_ACTIVITY);
    }
    // The stock column is an INT: a total past the bound is refused before Redis takes anything.
    if ((long) current.stock() + units > ActivityDraft.MAX_STOCK_TOTAL) {
      return Mono.error(tooManyUnits("would take the activity's stock past " + ActivityDraft.MAX_STOCK_TOTAL
          + " units (it has " + current.stock() + ")"));
    }
    var k = keys.of(current.id());
    List<String> args = List.of(Integer.toString(units), changeId, Long.toString(now.toEpochMilli()),
        keys.restockChannel(), Long.toString(settings.stockChangeMemory().toSeconds()),
        Integer.toString(current.stock()), Integer.toString(ActivityDraft.MAX_STOCK_TOTAL));
    return redis.execute(addStock, List.of(k.activity(), k.stockChanges()), args)
        .next()
        .flatMap(reply -> switch (reply.get(0)) {
          case "ADDED", "ALREADY_ADDED" -> restocked(current.id(), number(reply, 2), number(reply, 1));
          // Not warm: nothing is sold yet, so all of the stock is for sale.
          case "NOT_WARM" -> restocked(current.id(), number(reply, 2), number(reply, 2));
          // A retry: MySQL still holding the total from before means the first write was lost;
          // anything else means it landed (or a later change moved on), so nothing is written.
          case "ALREADY_NOT_WARM" -> current.stock() == number(reply, 1)
              ? restocked(current.id(), number(reply, 2), number(reply, 2))
              : Mono.just(new ActivityChange.Restocked(current, current.stock()));
          case "CANCELLED" -> refused(Reason.ACTIVITY_CANCELLED);
          case "ENDED" -> refused(Reason.ACTIVITY_ENDED);
          case "CHANGE_REUSED" -> refused(Reason.IDEMPOTENCY_KEY_REUSED);
          // Redis ahead of MySQL (a write the repair has not copied yet): the script's own check.
          case "TOO_MUCH_STOCK" -> Mono.error(tooManyUnits("would take the activity's stock past "
              + ActivityDraft.MAX_STOCK_TOTAL + " units (it has " + number(reply, 2) + ")"));
          default -> Mono.error(new IllegalStateException("add_stock.lua answered " + reply));
        });
  }

  private static InvalidActivity tooManyUnits(String message) {
    return new InvalidActivity(List.of(new ActivityDraft.Violation("units", message)));
  }

  private static int number(List<?> reply, int index) {
    return Integer.parseInt(String.valueOf(reply.get(index)));
  }

  private Mono<ActivityChange> restocked(ActivityId id, int total, int remaining) {
    return activities.setStock(id, total)
        .then(activities.find(id))
        .map(a -> new ActivityChange.Restocked(a, remaining));
  }

  /** Every bucket of a sharded activity gets its share; the first answer other than EDITED is the answer. */
  private Mono<String> writeTerms(Activity a, Instant now) {
    List<RedisKeys.ActivityKeys> buckets = keys.buckets(a.id(), a.shards());
    return windows.terms(a).flatMap(terms -> Flux.range(0, buckets.size()).concatMap(b -> {
      List<String> args = new ArrayList<>();
      args.add(Long.toString(now.toEpochMilli()));
      args.addAll(a.shards() > 1 ? BucketTerms.of(a, terms, b) : terms);
      return redis.execute(editActivity, List.of(buckets.get(b).activity()), args).next();
    }).filter(outcome -> !"EDITED".equals(outcome)).next().defaultIfEmpty("EDITED"));
  }

  /** Compensation: puts the terms MySQL kept back into Redis, then reports the original failure. */
  private Mono<ActivityChange> restore(Activity previous, Throwable failure) {
    log.warn("Editing activity {} failed after its Redis terms may have changed; restoring them: {}",
        previous.id(), failure.toString());
    return writeTerms(previous, clock.instant())
        .onErrorResume(e -> {
          log.error("Could not restore the Redis terms of activity {}; they may differ from MySQL: {}",
              previous.id(), e.toString());
          return Mono.empty();
        })
        .then(Mono.error(failure));
  }

  private Mono<ActivityChange> changed(ActivityId id) {
    return activities.find(id).map(ActivityChange.Changed::new);
  }

  private static Mono<ActivityChange> refused(Reason reason) {
    return Mono.just(new ActivityChange.Refused(reason));
  }

  /** Retries a whole change a few times; its script part is idempotent, so only MySQL catches up. */
  static RetryBackoffSpec mysqlRetries() {
    return Retry.backoff(3, Duration.ofMillis(100))
        .filter(e -> e instanceof DataAccessException || e instanceof io.r2dbc.spi.R2dbcException)
        .onRetryExhaustedThrow((spec, signal) -> signal.failure());
  }
}
