package dev.flashgroup.engine.activity;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.activity.ActivityChange.PointFigures;
import dev.flashgroup.engine.activity.ActivityChange.Reason;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Merchants move allocation between an activity's pickup points, before or during the sale. Redis
 * moves the free units (move_allocation.lua, under the activity row's lock, as warming takes it);
 * MySQL then records the new shares and the change id in one transaction. A retry with the same
 * change id (the merchant's Idempotency-Key, or the id a failed MySQL write is retried with) moves
 * nothing twice.
 */
@Service
public class AllocationMoves {

  private final Activities activities;
  private final DatabaseClient db;
  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<String>> moveAllocation;
  private final ActivitySettings settings;
  private final TransactionalOperator tx;
  private final Clock clock;

  AllocationMoves(Activities activities, DatabaseClient db, ReactiveStringRedisTemplate redis, RedisKeys keys,
      RedisScript<List<String>> moveAllocation, ActivitySettings settings, ReactiveTransactionManager transactions,
      Clock clock) {
    this.activities = activities;
    this.db = db;
    this.redis = redis;
    this.keys = keys;
    this.moveAllocation = moveAllocation;
    this.settings = settings;
    this.tx = TransactionalOperator.create(transactions);
    this.clock = clock;
  }

  /** Moves {@code units} free units from one point's share to another's; empty when there is no such activity. */
  public Mono<ActivityChange> move(ActivityId id, Long from, Long to, Integer units, String idempotencyKey) {
    List<ActivityDraft.Violation> violations = violations(from, to, units);
    if (!violations.isEmpty()) {
      return Mono.error(new InvalidActivity(violations));
    }
    // Not UUID.randomUUID(): SecureRandom may block on the event loop; the id only has to be unique.
    String changeId = idempotencyKey != null && !idempotencyKey.isBlank() ? "key:" + idempotencyKey
        : new UUID(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong()).toString();
    Move move = new Move(from, to, units, changeId);
    return Mono.defer(() -> tx.transactional(activities.lock(id).flatMap(current -> move(current, move))))
        .retryWhen(ActivityChanges.mysqlRetries());
  }

  private record Move(long from, long to, int units, String changeId) {

    String request() {
      return from + ">" + to + "*" + units;
    }
  }

  private static List<ActivityDraft.Violation> violations(Long from, Long to, Integer units) {
    List<ActivityDraft.Violation> found = new ArrayList<>();
    if (from == null || from < 1 || from > ActivityDraft.MAX_POINT_ID) {
      found.add(new ActivityDraft.Violation("from", "must be a pickup point id between 1 and " + ActivityDraft.MAX_POINT_ID));
    }
    if (to == null || to < 1 || to > ActivityDraft.MAX_POINT_ID) {
      found.add(new ActivityDraft.Violation("to", "must be a pickup point id between 1 and " + ActivityDraft.MAX_POINT_ID));
    } else if (to.equals(from)) {
      found.add(new ActivityDraft.Violation("to", "must be another point than from"));
    }
    if (units == null || units < 1 || units > ActivityDraft.MAX_STOCK) {
      found.add(new ActivityDraft.Violation("units", "must be between 1 and " + ActivityDraft.MAX_STOCK));
    }
    return found;
  }

  private Mono<ActivityChange> move(Activity current, Move move) {
    if (current.cancelled()) {
      return refused(Reason.ACTIVITY_CANCELLED);
    }
    if (!clock.instant().isBefore(current.endsAt())) {
      return refused(Reason.ACTIVITY_ENDED);
    }
    if (current.pickup() == null) {
      return refused(Reason.NOT_ALLOCATED);
    }
    if (current.shards() > 1) {
      return refused(Reason.SHARDED_ACTIVITY);
    }
    Map<Long, Integer> shares = current.pickup().points().stream()
        .collect(Collectors.toMap(Pickup.PointShare::pointId, Pickup.PointShare::stock));
    if (!shares.containsKey(move.from()) || !shares.containsKey(move.to())) {
      return refused(Reason.PICKUP_POINT_NOT_SERVED);
    }
    return recorded(current.id(), move.changeId())
        .flatMap(earlier -> earlier.equals(move.request()) ? figures(current, move, shares, false)
            : refused(Reason.IDEMPOTENCY_KEY_REUSED))
        .switchIfEmpty(Mono.defer(() -> inRedis(current, move, shares)));
  }

  private Mono<ActivityChange> inRedis(Activity current, Move move, Map<Long, Integer> shares) {
    var k = keys.of(current.id());
    List<String> args = List.of(Long.toString(move.from()), Long.toString(move.to()), Integer.toString(move.units()),
        move.changeId(), Long.toString(settings.stockChangeMemory().toSeconds()),
        Long.toString(clock.instant().toEpochMilli()));
    return redis.execute(moveAllocation, List.of(k.activity(), k.allocationChanges(), k.events()), args)
        .next()
        .flatMap(reply -> switch (reply.get(0)) {
          case "MOVED", "ALREADY_MOVED" -> apply(current, move, shares).then(figures(current, move, shares, true));
          // Not warm: nothing is sold yet, so the whole share is free.
          case "NOT_WARM" -> shares.get(move.from()) < move.units() ? refused(Reason.NOT_ENOUGH_UNITS)
              : apply(current, move, shares).then(figures(current, move, shares, true));
          case "NOT_ENOUGH" -> refused(Reason.NOT_ENOUGH_UNITS);
          case "NOT_SERVED" -> refused(Reason.PICKUP_POINT_NOT_SERVED);
          case "POINT_CLOSED" -> refused(Reason.POINT_CLOSED);
          case "CANCELLED" -> refused(Reason.ACTIVITY_CANCELLED);
          case "CHANGE_REUSED" -> refused(Reason.IDEMPOTENCY_KEY_REUSED);
          default -> Mono.error(new IllegalStateException("move_allocation.lua answered " + reply));
        });
  }

  /** The move that an earlier request with this change id made, if any. */
  private Mono<String> recorded(ActivityId id, String changeId) {
    return db.sql("SELECT request FROM allocation_changes WHERE activity_id = :id AND change_id = :change")
        .bind("id", id.value()).bind("change", changeId).map(row -> row.get("request", String.class)).one();
  }

  private Mono<Void> apply(Activity current, Move move, Map<Long, Integer> shares) {
    return db.sql("INSERT INTO allocation_changes (activity_id, change_id, request, created_at)"
            + " VALUES (:id, :change, :request, :now)")
        .bind("id", current.id().value()).bind("change", move.changeId()).bind("request", move.request())
        .bind("now", utc(clock.instant())).then()
        .then(share(current.id(), move.from(), shares.get(move.from()) - move.units()))
        .then(share(current.id(), move.to(), shares.get(move.to()) + move.units()));
  }

  private Mono<Void> share(ActivityId id, long point, int stock) {
    return db.sql("UPDATE activity_points SET stock = :stock WHERE activity_id = :id AND point_id = :point")
        .bind("stock", stock).bind("id", id.value()).bind("point", point).then();
  }

  /** The two points' shares (after the move when {@code moved}) and their free units, from Redis when warm. */
  private Mono<ActivityChange> figures(Activity current, Move move, Map<Long, Integer> shares, boolean moved) {
    int fromShare = shares.get(move.from()) - (moved ? move.units() : 0);
    int toShare = shares.get(move.to()) + (moved ? move.units() : 0);
    return redis.<String, String>opsForHash().multiGet(keys.of(current.id()).activity(),
            List.of(RedisKeys.ActivityKeys.pointStockField(move.from()), RedisKeys.ActivityKeys.pointStockField(move.to())))
        .map(left -> (ActivityChange) new ActivityChange.Reallocated(current,
            new PointFigures(move.from(), fromShare, left.get(0) == null ? fromShare : Integer.parseInt(left.get(0))),
            new PointFigures(move.to(), toShare, left.get(1) == null ? toShare : Integer.parseInt(left.get(1)))));
  }

  private static Mono<ActivityChange> refused(Reason reason) {
    return Mono.just(new ActivityChange.Refused(reason));
  }
}
