package dev.flashgroup.engine.fulfilment;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.analytics.DailySales;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.Orders;
import dev.flashgroup.engine.pickup.PickupCodes;
import dev.flashgroup.engine.recovery.LostActivities;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Verification (核销) of pickup codes at a point by its staff: the code is looked up in MySQL (the
 * record of codes), the order handed out by verify_pickup.lua (a compare-and-set on the order hash,
 * so of simultaneous scans exactly one succeeds) or, when Redis holds it no more (retired), by a
 * compare-and-set on its MySQL row; and every attempt, good or bad, recorded in
 * {@code pickup_verifications}. Every attempt counts towards the subject's limit ({@link BadCodes})
 * until its code turns out good.
 * Who may act for the point is the caller's to decide first.
 */
@Service
public class Verifications {

  private static final Logger log = LoggerFactory.getLogger(Verifications.class);

  /** Most attempts one listing answers. */
  public static final int MAX_LIST = 200;

  /** One recorded attempt. {@code codeTail}: the code's last four digits, null when it was no code. */
  public record Attempt(long id, long pointId, String subject, String codeTail, String orderId, String outcome,
      Instant at) {}

  private final PickupCodes codes;
  private final PickupTickets tickets;
  private final Orders orders;
  private final BadCodes badCodes;
  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<String>> verifyPickup;
  private final DatabaseClient db;
  private final LostActivities lost;
  private final DailySales sales;
  private final Clock clock;

  Verifications(PickupCodes codes, PickupTickets tickets, Orders orders, BadCodes badCodes,
      ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<List<String>> verifyPickup, DatabaseClient db,
      LostActivities lost, DailySales sales, Clock clock) {
    this.codes = codes;
    this.tickets = tickets;
    this.orders = orders;
    this.badCodes = badCodes;
    this.redis = redis;
    this.keys = keys;
    this.verifyPickup = verifyPickup;
    this.db = db;
    this.lost = lost;
    this.sales = sales;
    this.clock = clock;
  }

  /**
   * Scans {@code code} at {@code pointId} for {@code subject} (a bound staff member, or an admin).
   * Every attempt, malformed ones included, first takes one from the subject's bad-code limit; a
   * code that turns out good (its order is at this point) gives it back.
   */
  public Mono<Verification> verify(long pointId, String subject, String code) {
    if (code == null || !PickupCodes.FORMAT.matcher(code).matches()) {
      return limited(pointId, subject, null, () -> record(pointId, subject, null, null, new Verification.Malformed()));
    }
    String tail = code.substring(code.length() - 4);
    return limited(pointId, subject, tail, () -> codes.holders(code).collectList().flatMap(holders -> {
      var here = holders.stream().filter(h -> h.pointId() == pointId).findFirst();
      if (here.isPresent()) {
        return handOut(pointId, subject, here.get().orderId())
            .flatMap(outcome -> (outcome instanceof Verification.WrongPoint ? Mono.<Void>empty()
                : badCodes.giveBack(subject)).thenReturn(outcome))
            .flatMap(outcome -> record(pointId, subject, tail, here.get().orderId(), outcome));
      }
      Verification bad = holders.isEmpty() ? new Verification.UnknownCode() : new Verification.WrongPoint();
      return record(pointId, subject, tail, null, bad);
    }));
  }

  /**
   * Records a refused attempt by a subject that does not act for the point (an existing one): it
   * counts against the subject's limit like a bad code. Answers {@link Verification.TooManyAttempts}
   * past the limit, else empty.
   */
  public Mono<Verification> refusedStaff(long pointId, String subject, String code) {
    String tail = code != null && PickupCodes.FORMAT.matcher(code).matches() ? code.substring(code.length() - 4) : null;
    return limited(pointId, subject, tail, () -> insert(pointId, subject, tail, null, "NOT_POINT_STAFF")
        .then(Mono.<Verification>empty()));
  }

  /**
   * Runs {@code attempt} when the subject's limit lets one more through; past it answers
   * TOO_MANY_ATTEMPTS, recorded once per window (the window's first refusal).
   */
  private Mono<Verification> limited(long pointId, String subject, String tail,
      Supplier<Mono<Verification>> attempt) {
    return badCodes.take(subject).flatMap(taken -> {
      if (!taken.refused()) {
        return attempt.get();
      }
      Verification refused = new Verification.TooManyAttempts(taken.retryAfter());
      return taken.first() ? record(pointId, subject, tail, null, refused) : Mono.just(refused);
    });
  }

  /** The point's attempts, newest first, older than {@code beforeId} when given; at most {@code limit}. */
  public Flux<Verifications.Attempt> of(long pointId, Long beforeId, int limit) {
    return db.sql("SELECT id, point_id, subject, code_tail, order_id, outcome, at FROM pickup_verifications"
            + " WHERE point_id = :point AND id < :before ORDER BY id DESC LIMIT :limit")
        .bind("point", pointId)
        .bind("before", beforeId == null ? Long.MAX_VALUE : beforeId)
        .bind("limit", Math.max(1, Math.min(limit, MAX_LIST)))
        .map(row -> new Attempt(row.get("id", Long.class), row.get("point_id", Long.class),
            row.get("subject", String.class), row.get("code_tail", String.class), row.get("order_id", String.class),
            row.get("outcome", String.class), instant(row.get("at", LocalDateTime.class))))
        .all();
  }

  private Mono<Verification> handOut(long pointId, String subject, String orderId) {
    ActivityId activity = ActivityId.owning(orderId).orElseThrow();
    var k = keys.of(activity);
    Instant now = clock.instant();
    return redis.execute(verifyPickup, List.of(k.events(), k.retirement()),
            List.of(k.prefix(), orderId, Long.toString(pointId), subject, Long.toString(now.toEpochMilli())))
        .single()
        .flatMap(reply -> switch (reply.get(0)) {
          case "PICKED_UP" -> pickedUp(activity, orderId, reply.get(2), Instant.ofEpochMilli(Long.parseLong(reply.get(1))));
          case "ALREADY_PICKED_UP" -> Mono.just(new Verification.AlreadyPickedUp(orderId,
              Instant.ofEpochMilli(Long.parseLong(reply.get(1)))));
          case "WRONG_POINT" -> Mono.just(new Verification.WrongPoint());
          case "NOT_COLLECTABLE" -> Mono.just(new Verification.NotCollectable(orderId, OrderStatus.valueOf(reply.get(1))));
          // Redis holds the order no more (retired, or only MySQL ever held it), or not yet again (a
          // rebuild pending: then nothing is handed out until Redis holds the activity again).
          default -> lost.awaitsRebuild(activity).flatMap(rebuilding -> rebuilding
              ? Mono.just(new Verification.Unavailable(orderId))
              : handOutRecorded(activity, pointId, subject, orderId));
        });
  }

  /**
   * Hands out an order only MySQL holds: a compare-and-set on its row, so of simultaneous scans
   * exactly one changes it; the others read what it became.
   */
  private Mono<Verification> handOutRecorded(ActivityId activity, long pointId, String subject, String orderId) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    return db.sql("UPDATE orders SET status = 'PICKED_UP', picked_up_at = :at, picked_up_by = :staff,"
            + " version = version + 1, updated_at = :at"
            + " WHERE id = :id AND pickup_point_id = :point AND status IN ('SUCCEEDED', 'OVERDUE')")
        .bind("at", utc(now))
        .bind("staff", subject)
        .bind("id", orderId)
        .bind("point", pointId)
        .fetch().rowsUpdated()
        .flatMap(changed -> orders.recorded(orderId).flatMap(o -> {
          if (changed == 1) {
            // No event goes through the projector for it: the daily sales count the hand-out here.
            return sales.refresh(orderId)
                .onErrorResume(e -> {
                  log.warn("The daily sales miss the hand-out of order {}: {}", orderId, e.toString());
                  return Mono.empty();
                })
                .then(pickedUp(activity, orderId, o.buyerId(), now));
          }
          if (o.pointId() == null || o.pointId() != pointId) {
            return Mono.just(new Verification.WrongPoint());
          }
          return Mono.just(o.status() == OrderStatus.PICKED_UP && o.pickedUpAt() != null
              ? new Verification.AlreadyPickedUp(orderId, o.pickedUpAt())
              : new Verification.NotCollectable(orderId, o.status()));
        }))
        .defaultIfEmpty(new Verification.UnknownCode());
  }

  /** The order is handed out: the answer must not fail on the title (the staff hands over anyway). */
  private Mono<Verification> pickedUp(ActivityId activity, String orderId, String buyer, Instant at) {
    return tickets.title(activity.value())
        .onErrorResume(e -> {
          log.warn("No title for activity {} of handed-out order {}: {}", activity.value(), orderId, e.toString());
          return Mono.just("");
        })
        .map(title -> new Verification.PickedUp(orderId, buyer, title, 1, at));
  }

  /**
   * Records the attempt. A hand-out is already done when this runs, and {@code orders.picked_up_by}
   * (written with it) is its durable record: a failed insert is logged, not turned into an error.
   */
  private Mono<Verification> record(long pointId, String subject, String tail, String orderId, Verification outcome) {
    Mono<Void> insert = insert(pointId, subject, tail, orderId, outcome.outcome());
    if (outcome instanceof Verification.PickedUp) {
      insert = insert.onErrorResume(e -> {
        log.error("The hand-out of order {} at point {} by {} is not in pickup_verifications", orderId, pointId,
            subject, e);
        return Mono.empty();
      });
    }
    return insert.thenReturn(outcome);
  }

  private Mono<Void> insert(long pointId, String subject, String tail, String orderId, String outcome) {
    return db.sql("INSERT INTO pickup_verifications (point_id, subject, code_tail, order_id, outcome, at)"
            + " VALUES (:point, :subject, :tail, :order, :outcome, :at)")
        .bind("point", pointId)
        .bind("subject", subject)
        .bind("tail", Parameter.fromOrEmpty(tail, String.class))
        .bind("order", Parameter.fromOrEmpty(orderId, String.class))
        .bind("outcome", outcome)
        .bind("at", utc(clock.instant()))
        .then();
  }
}
