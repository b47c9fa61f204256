package dev.flashgroup.engine.reservation;

import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.durability.ReplicaWait;
import dev.flashgroup.engine.durability.ReplicaWaitSettings;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.kernel.TopologyRefresh;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.recovery.LostActivities;
import dev.flashgroup.engine.recovery.RebuildSettings;
import dev.flashgroup.engine.shard.Sharding;
import dev.flashgroup.engine.shard.Shards;
import dev.flashgroup.engine.shard.StockTransfers;
import dev.flashgroup.engine.timer.DeadlineNotices;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Opens groups, joins groups and sells solo units. Each call is exactly one Redis round trip
 * (reserve.lua); nothing else runs before the answer except when the activity is not in Redis.
 * With {@code flashgroup.redis.min-replicas} above 0 the script runs through {@link ReplicaWait}
 * instead, and a reservation is confirmed only once that many replicas have it.
 */
@Service
public class Reservations {

  private enum Kind { OPEN, JOIN, MATCH, SOLO }

  private static final ReservationOutcome SOLD_OUT = new ReservationOutcome.Refused(Refusal.SOLD_OUT);
  /** reserve.lua's attempts limit that counts nothing and refuses nothing. */
  private static final int NO_ATTEMPT_LIMIT = 0;

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<String>> reserve;
  private final Activities activities;
  private final ReservationSettings settings;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Counter> walkSteps = new ConcurrentHashMap<>();
  private final SoldOutActivities soldOut;
  private final LostActivities lost;
  private final RebuildSettings rebuild;
  private final ReplicaWait replicas;
  private final ReplicaWaitSettings replicaWait;
  private final DeadlineNotices deadlines;
  /** A rehearsal's copy ({@link #rehearsal}): nothing outside its scratch keys is looked at. */
  private final boolean scratch;
  private final Shards shards;
  private final StockTransfers transfers;
  private final TopologyRefresh topology;

  @Autowired
  Reservations(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<List<String>> reserve,
      Activities activities, ReservationSettings settings, Clock clock, MeterRegistry meters,
      SoldOutActivities soldOut, LostActivities lost, RebuildSettings rebuild, ReplicaWait replicas,
      ReplicaWaitSettings replicaWait, DeadlineNotices deadlines, Shards shards, StockTransfers transfers,
      TopologyRefresh topology) {
    this(redis, keys, reserve, activities, settings, clock, meters, soldOut, lost, rebuild, replicas, replicaWait,
        deadlines, false, shards, transfers, topology);
  }

  private Reservations(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<List<String>> reserve,
      Activities activities, ReservationSettings settings, Clock clock, MeterRegistry meters,
      SoldOutActivities soldOut, LostActivities lost, RebuildSettings rebuild, ReplicaWait replicas,
      ReplicaWaitSettings replicaWait, DeadlineNotices deadlines, boolean scratch, Shards shards,
      StockTransfers transfers, TopologyRefresh topology) {
    this.scratch = scratch;
    this.topology = topology;
    this.shards = shards;
    this.transfers = transfers;
    this.redis = redis;
    this.keys = keys;
    this.reserve = reserve;
    this.activities = activities;
    this.settings = settings;
    this.clock = clock;
    this.meters = meters;
    this.soldOut = soldOut;
    this.lost = lost;
    this.rebuild = rebuild;
    this.replicas = replicas;
    this.replicaWait = replicaWait;
    this.deadlines = deadlines;
  }

  /**
   * A copy that reserves in {@code scratchKeys}' namespace, for the opening rehearsal: the same code
   * and script as a buyer's reservation, counted in a meter registry of its own, telling no sweeper
   * of its deadlines, learning nothing of sold-out activities, and never asking MySQL or the
   * rebuild about an activity it cannot find (it is unknown).
   */
  public Reservations rehearsal(RedisKeys scratchKeys) {
    return new Reservations(redis, scratchKeys, reserve, activities, settings, clock, new SimpleMeterRegistry(),
        soldOut.scratch(scratchKeys), lost, rebuild, replicas, replicaWait, new DeadlineNotices(), true, shards,
        transfers, topology);
  }

  public Mono<ReservationOutcome> openGroup(ActivityId activity, String buyer, String idempotencyKey) {
    return openGroup(activity, buyer, idempotencyKey, null);
  }

  /** {@code point}: the pickup point the buyer collects at (required when the activity has points), or null. */
  public Mono<ReservationOutcome> openGroup(ActivityId activity, String buyer, String idempotencyKey, Long point) {
    return openGroup(activity, buyer, idempotencyKey, point, Attribution.NONE);
  }

  /** {@code attribution}: the leaders who may be credited with the order (reserve.lua takes the first). */
  public Mono<ReservationOutcome> openGroup(ActivityId activity, String buyer, String idempotencyKey, Long point,
      Attribution attribution) {
    return run(activity, Kind.OPEN, buyer, "", idempotencyKey, point, attribution);
  }

  public Mono<ReservationOutcome> joinGroup(String groupId, String buyer, String idempotencyKey) {
    return joinGroup(groupId, buyer, idempotencyKey, null);
  }

  /** Members of one group may collect at different points. */
  public Mono<ReservationOutcome> joinGroup(String groupId, String buyer, String idempotencyKey, Long point) {
    return joinGroup(groupId, buyer, idempotencyKey, point, Attribution.NONE);
  }

  public Mono<ReservationOutcome> joinGroup(String groupId, String buyer, String idempotencyKey, Long point,
      Attribution attribution) {
    return ActivityId.owning(groupId)
        .map(activity -> run(activity, Kind.JOIN, buyer, groupId, idempotencyKey, point, attribution))
        .orElseGet(() -> Mono.just(new ReservationOutcome.Unknown("group", groupId)));
  }

  public Mono<ReservationOutcome> match(ActivityId activity, String buyer, String idempotencyKey) {
    return match(activity, buyer, idempotencyKey, null);
  }

  /**
   * Puts the buyer into the open group with the fewest free slots, or opens one when no group has
   * a free slot; one Lua call, so concurrent matches never leave two half-empty groups.
   */
  public Mono<ReservationOutcome> match(ActivityId activity, String buyer, String idempotencyKey, Long point) {
    return match(activity, buyer, idempotencyKey, point, Attribution.NONE);
  }

  public Mono<ReservationOutcome> match(ActivityId activity, String buyer, String idempotencyKey, Long point,
      Attribution attribution) {
    return run(activity, Kind.MATCH, buyer, "", idempotencyKey, point, attribution);
  }

  public Mono<ReservationOutcome> buyAlone(ActivityId activity, String buyer, String idempotencyKey) {
    return buyAlone(activity, buyer, idempotencyKey, null);
  }

  public Mono<ReservationOutcome> buyAlone(ActivityId activity, String buyer, String idempotencyKey, Long point) {
    return buyAlone(activity, buyer, idempotencyKey, point, Attribution.NONE);
  }

  public Mono<ReservationOutcome> buyAlone(ActivityId activity, String buyer, String idempotencyKey, Long point,
      Attribution attribution) {
    return run(activity, Kind.SOLO, buyer, "", idempotencyKey, point, attribution);
  }

  private Mono<ReservationOutcome> run(ActivityId activity, Kind kind, String buyer, String groupId, String idemKey,
      Long point, Attribution attribution) {
    if (point != null && (point < 1 || point > ActivityDraft.MAX_POINT_ID)) {
      throw new IllegalArgumentException("pickup point id out of bounds: " + point);
    }
    boolean idempotent = idemKey != null && !idemKey.isBlank();
    // A retried request must get its first answer back, so only requests without a key take the shortcut.
    if (!idempotent && soldOut.knows(activity)) {
      return Mono.just(SOLD_OUT).doOnNext(this::count);
    }
    if (scratch) {
      return reserveIn(activity, 0, 1, keys.of(activity), kind, buyer, groupId, idemKey, point, attribution,
          clock.millis(), settings.attemptsPerSecond()).doOnNext(this::count);
    }
    return shards.of(activity).flatMap(sharding -> {
      if (sharding.sharded()) {
        return sharded(sharding, kind, buyer, groupId, idemKey, point, attribution);
      }
      // Knowledge that just lapsed: one request probes Redis, the others are still refused here.
      if (!idempotent && soldOut.knowsEmpty(activity, 0)) {
        return Mono.just(SOLD_OUT);
      }
      return reserveIn(activity, 0, 1, keys.of(activity), kind, buyer, groupId, idemKey, point, attribution,
          clock.millis(), settings.attemptsPerSecond());
    }).doOnNext(this::count);
  }

  /**
   * A sharded activity (docs/cluster.md, "Hot activities: shards"): the buyer's every reservation
   * runs in their home bucket, where their quota is, so the per-user limit is one atomic check as
   * ever. A JOIN goes to the group's bucket, and only when that is the buyer's home. When the home
   * bucket is sold out (or the point's share there is), units are moved to it from the next buckets
   * in turn (half of what each has left, {@link StockTransfers}) and the reservation is tried again
   * there; it is SOLD_OUT only once every other bucket was found empty. A bucket this instance
   * knows empty ({@link SoldOutActivities#knowsEmpty}) is not asked: not as a giver (one that
   * another request of this instance is asking right now is put off to the walk's end,
   * {@link SoldOutActivities#giver}), and not as the home of a request without an Idempotency-Key (one with a key always asks its home first, so a
   * retry gets its first answer back).
   *
   * <p>One request is one attempt: the first try at home counts against the buyer's attempts per
   * second (reserve.lua's attempts key, in the home bucket) and may be refused TOO_MANY_REQUESTS;
   * the tries after a move pass no limit (reserve.lua's 0), so they are neither counted nor refused
   * for it — a buyer whose home bucket ran dry is not throttled for the engine's own retries (with 8
   * buckets a request may make up to 8 calls, more than the default 5 a second). Every try runs at
   * the request's {@code now}, taken once here: the window checks and the payment deadline are
   * those of the moment the buyer asked.
   */
  private Mono<ReservationOutcome> sharded(Sharding sharding, Kind kind, String buyer, String groupId,
      String idemKey, Long point, Attribution attribution) {
    int home = sharding.home(buyer);
    if (kind == Kind.JOIN && sharding.bucketOf(groupId) != home) {
      return Mono.just(new ReservationOutcome.Refused(Refusal.GROUP_IN_OTHER_SHARD));
    }
    long now = clock.millis();
    IntFunction<Mono<ReservationOutcome>> atHome = attemptsAllowed -> reserveIn(sharding.activity(), home,
        sharding.shards(), sharding.keys(keys, home), kind, buyer, groupId, idemKey, point, attribution, now,
        attemptsAllowed);
    Walk walk = new Walk(sharding, home, point, atHome);
    boolean idempotent = idemKey != null && !idemKey.isBlank();
    if (!idempotent && soldOut.knowsEmpty(sharding.activity(), home)) {
      walked("home_skipped");
      return spill(walk, SOLD_OUT, 1, false, false, 0);
    }
    return atHome.apply(settings.attemptsPerSecond()).flatMap(outcome -> {
      if (soldOutHere(outcome)) {
        walked("home_sold_out");
      }
      return spill(walk, outcome, 1, false, true, 0);
    });
  }

  /**
   * A sharded request's walk over the givers after its home bucket answered sold out: the home
   * bucket, the buyer's point (or null) and the try at home, given the attempts allowed.
   */
  private record Walk(Sharding sharding, int home, Long point, IntFunction<Mono<ReservationOutcome>> atHome) {}

  /**
   * Tries the next giver while the home bucket answers sold out ({@code counted}: a try at home
   * was made, so the next passes no attempts limit). Givers known empty are skipped; one that
   * another request of this instance is asking now is put off ({@code deferred}, a bit per bucket)
   * and asked once the others were tried, unless it is known empty by then: so the answer is
   * SOLD_OUT only once every other bucket was found, or is known, empty. A giver (or the home
   * bucket) that could not move units now ({@link StockTransfers#BUSY}: frozen by a rebuild, not
   * warm) is not an empty one: when any was, the answer is 503 (try again in a second), never
   * SOLD_OUT. A giver that had nothing to give (asked without a point: its whole stock is 0) is
   * learnt empty.
   */
  private Mono<ReservationOutcome> spill(Walk walk, ReservationOutcome outcome, int from, boolean busy,
      boolean counted, int deferred) {
    if (!soldOutHere(outcome)) {
      return Mono.just(outcome);
    }
    Sharding sharding = walk.sharding();
    ActivityId activity = sharding.activity();
    int next = from;
    int putOff = deferred;
    while (next < sharding.shards()) {
      int bucket = (walk.home() + next) % sharding.shards();
      SoldOutActivities.Giver giver = soldOut.giver(activity, bucket);
      if (giver == SoldOutActivities.Giver.ASK) {
        break;
      }
      walked(giver == SoldOutActivities.Giver.KNOWN_EMPTY ? "giver_skipped" : "giver_put_off");
      if (giver == SoldOutActivities.Giver.BEING_ASKED) {
        putOff |= 1 << bucket;
      }
      next++;
    }
    if (next < sharding.shards()) {
      return ask(walk, outcome, (walk.home() + next) % sharding.shards(), next + 1, busy, counted, putOff);
    }
    // The givers put off, unless known empty by now.
    while (putOff != 0) {
      int bucket = Integer.numberOfTrailingZeros(putOff);
      putOff &= putOff - 1;
      if (!soldOut.knowsEmpty(activity, bucket)) {
        walked("giver_asked_late");
        return ask(walk, outcome, bucket, sharding.shards(), busy, counted, putOff);
      }
    }
    return Mono.just(busy ? new ReservationOutcome.Unavailable(Duration.ofSeconds(1), "part of the stock of activity "
        + activity + " is being moved or rebuilt; try again") : outcome);
  }

  /** Moves units home from {@code giver} and tries home again; then the walk goes on from {@code after}. */
  private Mono<ReservationOutcome> ask(Walk walk, ReservationOutcome outcome, int giver, int after, boolean busy,
      boolean counted, int deferred) {
    Sharding sharding = walk.sharding();
    // Taken before the take: a give to this giver announced meanwhile voids its lesson.
    long mark = soldOut.mark();
    return transfers.move(sharding, giver, walk.home(), walk.point(), Integer.MAX_VALUE, true)
        // A take that failed or was given up holds up no other walker: the giver may be asked at once.
        .doOnError(error -> soldOut.answered(sharding.activity(), giver, false))
        .doOnCancel(() -> soldOut.answered(sharding.activity(), giver, false))
        .flatMap(moved -> {
          walked(moved > 0 ? "giver_moved" : moved == 0 ? "giver_empty" : "giver_busy");
          if (moved == 0 && walk.point() == null) {
            soldOut.learnEmpty(sharding.activity(), giver, sharding.shards(), mark);
          } else {
            soldOut.answered(sharding.activity(), giver, moved > 0);
          }
          if (moved > 0) {
            // Units are at home now: this instance's other buyers there need not wait for the restock message.
            soldOut.forget(sharding.activity(), walk.home());
          }
          return moved <= 0
              ? spill(walk, outcome, after, busy || moved == StockTransfers.BUSY, counted, deferred)
              : Mono.defer(() -> {
                walked("retry_at_home");
                return walk.atHome().apply(counted ? NO_ATTEMPT_LIMIT : settings.attemptsPerSecond());
              }).flatMap(again -> spill(walk, again, after, busy, true, deferred));
        });
  }

  private static boolean soldOutHere(ReservationOutcome outcome) {
    return outcome instanceof ReservationOutcome.Refused refused
        && (refused.reason() == Refusal.SOLD_OUT || refused.reason() == Refusal.POINT_SOLD_OUT);
  }

  /**
   * One reserve.lua call in the keys {@code k} (the activity's, or one bucket's) at {@code now}
   * (epoch ms), the buyer allowed {@code attemptsAllowed} a second ({@link #NO_ATTEMPT_LIMIT}: not
   * counted); each subscription to the answer is another call, with the same arguments.
   */
  private Mono<ReservationOutcome> reserveIn(ActivityId activity, int bucket, int buckets, RedisKeys.ActivityKeys k,
      Kind kind, String buyer, String groupId, String idemKey, Long point, Attribution attribution, long now,
      int attemptsAllowed) {
    String pointArg = point == null ? "" : Long.toString(point);
    boolean idempotent = idemKey != null && !idemKey.isBlank();
    // Taken before the call: a restock heard between the script's SOLD_OUT and the learning voids it.
    long restocks = soldOut.mark();
    List<String> keyList = List.of(k.activity(), k.quota(), k.paymentDeadlines(), k.groupDeadlines(), k.openGroups(),
        k.events(), idempotent ? k.idempotency(buyer, idemKey) : k.idempotency(buyer, "-"), k.attempts(buyer));
    List<String> args = List.of(k.prefix(), kind.name(), buyer, Long.toString(now), groupId,
        Long.toString(settings.idempotencyTtl().toSeconds()), idempotent ? "1" : "0", fingerprint(kind, groupId, point),
        Integer.toString(attemptsAllowed), pointArg, Attribution.arg(attribution.referrer()),
        Attribution.arg(attribution.boundLeader()), Attribution.arg(attribution.pointLeader()));
    Mono<ReservationOutcome> answer;
    if (replicas.required()) {
      answer = replicas.reserve(keyList, args)
          .flatMap(acknowledged -> {
            ReserveReply reply = ReserveReply.of(acknowledged.reply());
            if (reply.ok() && acknowledged.replicas() < replicas.replicasRequired()) {
              // Served: the bucket had stock (a probe of it is over).
              soldOut.answered(activity, bucket, true);
              return Mono.just(notReplicated(acknowledged.replicas(), idempotent));
            }
            return outcome(activity, bucket, buckets, kind, groupId, reply, restocks);
          });
    } else {
      answer = redis.execute(reserve, keyList, args)
          .next()
          // A primary that died or was failed over: the next buyers go by the new topology at once.
          .doOnError(topology::afterFailure)
          .flatMap(reply -> outcome(activity, bucket, buckets, kind, groupId, ReserveReply.of(reply), restocks));
    }
    // A probe of this bucket that failed or was given up holds up no other request: the next asks.
    return answer.doOnError(error -> soldOut.answered(activity, bucket, false))
        .doOnCancel(() -> soldOut.answered(activity, bucket, false));
  }

  /**
   * The reservation is made on the primary, but fewer replicas than required had it when WAIT
   * timed out: a failover now could lose it, so it is not confirmed to the buyer. Nothing is
   * undone (a unit released here could be sold twice if the write did reach a replica); a retry
   * with the same Idempotency-Key answers with the same order, and reserves nothing again.
   */
  private ReservationOutcome notReplicated(long acknowledged, boolean idempotent) {
    return new ReservationOutcome.Unavailable(replicaWait.timeout(), "Only " + acknowledged + " of the "
        + replicas.replicasRequired() + " required Redis replicas confirmed the reservation in time. It was made:"
        + (idempotent ? " retry with the same Idempotency-Key to get the same order (nothing is reserved twice)"
            : " look at your orders before you try again (without an Idempotency-Key a retry reserves again)"));
  }

  /** What the request asks for: a key reused for another kind, group or point is refused (reserve.lua's ARGV[8]). */
  private static String fingerprint(Kind kind, String groupId, Long point) {
    return kind.name() + " " + groupId + (point == null ? "" : " point " + point);
  }

  /** {@code bucket} of {@code buckets}: where the script ran (0 of 1 for an activity that is not sharded). */
  private Mono<ReservationOutcome> outcome(ActivityId activity, int bucket, int buckets, Kind kind, String groupId,
      ReserveReply reply, long restocks) {
    String code = reply.outcome();
    if (!"SOLD_OUT".equals(code)) {
      // Ends a probe of this bucket; served (or refused for the point only): the bucket has stock.
      soldOut.answered(activity, bucket, ReserveReply.OK.equals(code) || "POINT_SOLD_OUT".equals(code));
    }
    switch (code) {
      case ReserveReply.OK:
        // A payment deadline (and an opened group's) was just added: the sweeper learns of it in memory.
        deadlines.mayHaveNewDeadline(activity);
        return Mono.just(reply.reserved());
      case "NOT_FOUND":
        if (scratch) {
          return Mono.just(new ReservationOutcome.Unknown(kind == Kind.JOIN ? "group" : "activity",
              kind == Kind.JOIN ? groupId : activity.toString()));
        }
        return lost.awaitsRebuild(activity).flatMap(rebuilding -> rebuilding ? Mono.just(rebuilding())
            : kind == Kind.JOIN ? Mono.just(new ReservationOutcome.Unknown("group", groupId)) : notWarm(activity));
      case "SOLD_OUT":
        // One bucket of a sharded activity sold out says nothing of the others.
        soldOut.learnEmpty(activity, bucket, buckets, restocks);
        return Mono.just(SOLD_OUT);
      case ReserveReply.TOO_MANY_REQUESTS:
        return Mono.just(new ReservationOutcome.Throttled(Duration.ofMillis(reply.payBy())));
      case ReserveReply.KEY_REUSED:
        return Mono.just(new ReservationOutcome.KeyReused());
      default:
        return Mono.just(new ReservationOutcome.Refused(Refusal.valueOf(code)));
    }
  }

  private ReservationOutcome rebuilding() {
    return new ReservationOutcome.Unavailable(rebuild.retryAfter(),
        "This activity is being restored after a Redis outage; retry shortly");
  }

  /** Not in Redis: either it does not exist, or it is scheduled (or cancelled) and not warmed. */
  private Mono<ReservationOutcome> notWarm(ActivityId activity) {
    return activities.find(activity)
        .<ReservationOutcome>map(a -> new ReservationOutcome.Refused(a.cancelled() ? Refusal.ACTIVITY_CANCELLED
            : a.endsAt().isAfter(clock.instant()) ? Refusal.NOT_STARTED : Refusal.ENDED))
        .defaultIfEmpty(new ReservationOutcome.Unknown("activity", activity.toString()));
  }

  /**
   * One step of a sharded request's walk ({@code flashgroup.shards.walk}, tag {@code step}):
   * home_sold_out (its first call answered sold out), home_skipped, giver_skipped (known empty: no
   * call), giver_put_off (another request was asking it), giver_asked_late (put off, then asked),
   * giver_empty, giver_moved, giver_busy (one take each), retry_at_home (a reservation again after a move).
   */
  private void walked(String step) {
    walkSteps.computeIfAbsent(step, s -> Counter.builder("flashgroup.shards.walk")
        .description("Steps of sharded requests whose home bucket was sold out").tag("step", s).register(meters))
        .increment();
  }

  private void count(ReservationOutcome outcome) {
    String name = "UNKNOWN";
    if (outcome instanceof ReservationOutcome.Reserved) {
      name = "RESERVED";
    } else if (outcome instanceof ReservationOutcome.Throttled) {
      name = "THROTTLED";
    } else if (outcome instanceof ReservationOutcome.Unavailable) {
      name = "UNAVAILABLE";
    } else if (outcome instanceof ReservationOutcome.KeyReused) {
      name = "KEY_REUSED";
    } else if (outcome instanceof ReservationOutcome.Refused refused) {
      name = refused.reason().name();
    }
    outcomes.computeIfAbsent(name, n -> Counter.builder("flashgroup.reservations")
        .description("Reservation requests by outcome").tag("outcome", n).register(meters)).increment();
  }
}
