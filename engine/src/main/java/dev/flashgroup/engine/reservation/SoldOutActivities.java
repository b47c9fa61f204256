package dev.flashgroup.engine.reservation;

import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The activities (and the buckets of sharded ones) this instance knows are sold out, so it refuses
 * them, or skips the empty buckets, without a Redis round trip.
 *
 * <p>Knowledge is only ever a shortcut for an answer Redis gave: it is learnt from a SOLD_OUT reply
 * (or a bucket that had nothing to give) and dropped as soon as stock may have come back. Every
 * script that gives units back publishes on the restock channel the activity id ({@code 42}: every
 * bucket of it may have stock again) or, for a transfer between buckets, the activity and the
 * receiving bucket ({@code 42.3}: only that one has); this instance listens there. A message can be
 * lost while the subscription is down, so knowledge is (1) learnt only while the subscription is
 * confirmed, (2) dropped entirely whenever the subscription ends, a connection tries to reconnect,
 * or a connection comes up within a minute of such a try, (3) not learnt for twice the delay of a
 * reconnect try and a TTL after it (a connect that takes longer, up to Lettuce's 10 s, may let
 * lessons in while the subscription is still down: those last a TTL at most), and (4)
 * forgotten after a short TTL in any case (then one request probes Redis while the others are
 * still refused, for at most another TTL: {@link #knowsEmpty}). At most {@code max-activities} are kept at once: the map
 * is a shortcut, so one that is full only costs the next refusals a round trip.
 *
 * <p>A lesson is learnt against a {@link #mark} taken before Redis was asked: it is void when a
 * restock naming that bucket (or its whole activity), or a forgetting of everything, came after the
 * mark, as the answer may predate the units that came back. Restocks of other activities and of the
 * activity's other buckets do not void it: in a sharded spike every spill's give announces itself,
 * and a lesson voided by any of them would never be learnt.
 *
 * <p>A connection opened or closed on purpose (a live reader's, a topology refresh's: on a cluster
 * several every few seconds) neither makes the instance forget nor stops it learning: only a
 * connection that reconnects dropped by accident, and only then can a restock message have been
 * lost. (Gating learning on "no connection is down" instead never learnt again after the first
 * connection closed for good; forgetting at every connection event made a sharded spike relearn
 * every bucket at every topology refresh.)
 */
@Component
class SoldOutActivities implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SoldOutActivities.class);

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final SoldOutSettings settings;
  private final LettuceConnectionFactory connections;
  private final Map<Long, Buckets> activities = new ConcurrentHashMap<>();
  /** The restock subscription is confirmed. */
  private volatile boolean subscribed;
  /** Until then (System.nanoTime) nothing is learnt: a connection was reconnecting lately. */
  private volatile long quietUntil = System.nanoTime();
  /**
   * How long after a reconnect attempt a connection coming up may be the reconnected one (Lettuce's
   * connect timeout is 10 s by default): within it, every connection that comes up forgets everything.
   */
  private static final Duration RECONNECTED_WINDOW = Duration.ofSeconds(60);
  /** When (System.nanoTime) the last reconnect attempt was seen, if {@link #reconnectSeen}. */
  private volatile long lastReconnect;
  private volatile boolean reconnectSeen;
  /** Numbers every restock heard and every forgetting: a {@link #mark} is the latest number. */
  private final AtomicLong changes = new AtomicLong();
  /**
   * The latest change this instance keeps no record of: a forgetting of everything, a restock of an
   * activity that found the map full, or the changes of an entry pruned. A lesson marked before it
   * is void (its entry may have lost the change).
   */
  private volatile long untracked;
  private volatile Disposable running;

  SoldOutActivities(ReactiveStringRedisTemplate redis, RedisKeys keys, SoldOutSettings settings,
      LettuceConnectionFactory connections) {
    this.redis = redis;
    this.keys = keys;
    this.settings = settings;
    this.connections = connections;
  }

  /**
   * One for a rehearsal's scratch namespace: never started, so it never subscribes and never learns
   * (every refusal is Redis' own), and the real knowledge is left as it was.
   */
  SoldOutActivities scratch(RedisKeys scratchKeys) {
    return new SoldOutActivities(redis, scratchKeys, settings, connections);
  }

  /**
   * True when Redis said lately that every bucket of the activity is sold out, and no restock has
   * been heard of since (a bucket whose knowledge lapsed counts while another request probes it).
   */
  boolean knows(ActivityId activity) {
    Buckets buckets = activities.get(activity.value());
    return buckets != null && buckets.allEmpty(System.nanoTime());
  }

  /**
   * True when bucket {@code bucket} of the activity (of one that is not sharded: 0) is known empty.
   * When that knowledge has just lapsed, the first caller gets false and is the bucket's probe: it
   * asks Redis, and until its answer is learnt or {@link #answered} (for at most another TTL) the
   * other callers still get true. So a lapse costs one Redis call per bucket, not one per request
   * in flight at that moment.
   */
  boolean knowsEmpty(ActivityId activity, int bucket) {
    Buckets buckets = activities.get(activity.value());
    return buckets != null && buckets.knownOrProbed(bucket, System.nanoTime(), settings.ttl().toNanos());
  }

  /** What a walk does with a giver ({@link #giver}). */
  enum Giver {
    /** Ask it: this caller is now the one asking (until its answer, at most a TTL). */
    ASK,
    /** Known empty (or probed after its knowledge lapsed): skip it. */
    KNOWN_EMPTY,
    /** Another request of this instance is asking it now: come back to it at the walk's end. */
    BEING_ASKED
  }

  /**
   * Whether a walk asks bucket {@code bucket} as a giver now. In the last moments of a sell-out
   * every request in flight would otherwise ask every bucket not yet seen empty at once; a walker
   * told {@link Giver#BEING_ASKED} tries its other givers first and comes back to this one at its
   * end (by then it is usually known empty), so a request is SOLD_OUT only once every other bucket
   * was found, or is known, empty.
   */
  Giver giver(ActivityId activity, int bucket) {
    long now = System.nanoTime();
    Buckets buckets = entry(activity.value(), now);
    return buckets == null ? Giver.ASK : buckets.giver(bucket, now, settings.ttl().toNanos());
  }

  /**
   * Redis answered for this bucket, not SOLD_OUT: the probe (if this was it) is over; with
   * {@code hadStock} (a reservation or a take was served) the bucket is not empty.
   */
  void answered(ActivityId activity, int bucket, boolean hadStock) {
    Buckets buckets = activities.get(activity.value());
    if (buckets != null) {
      buckets.answered(bucket, hadStock);
    }
  }

  /**
   * A mark to take before asking Redis: {@link #learn} with it learns nothing when a restock of that
   * bucket or activity (or a forgetting) was heard since, as the SOLD_OUT answer may predate the
   * units that came back.
   */
  long mark() {
    return changes.get();
  }

  /** Redis answered SOLD_OUT for this activity (not sharded) to a question asked at {@code mark}. */
  void learn(ActivityId activity, long mark) {
    learnEmpty(activity, 0, 1, mark);
  }

  /** Bucket {@code bucket} of the activity's {@code buckets} had no stock, as asked at {@code mark}. */
  void learnEmpty(ActivityId activity, int bucket, int buckets, long mark) {
    long now = System.nanoTime();
    if (bucket < 0 || bucket >= buckets || buckets > Buckets.MOST) {
      return;
    }
    if (!subscribed || now - quietUntil < 0 || mark < untracked) {
      answered(activity, bucket, false);
      return;
    }
    Buckets known = entry(activity.value(), now);
    if (known != null) {
      known.learn(bucket, buckets, mark, now + settings.ttl().toNanos());
    }
  }

  /** Activities kept now (with knowledge, or with restocks heard lately). */
  int known() {
    return activities.size();
  }

  /** Stock may be back in every bucket of the activity. */
  void forget(ActivityId activity) {
    restocked(activity.value(), Buckets.ALL);
  }

  /**
   * Stock may be back in this bucket of the activity: this instance just gave units to it (its
   * restock message, naming the bucket, comes back too; this one does not wait for it).
   */
  void forget(ActivityId activity, int bucket) {
    restocked(activity.value(), bucket < 0 || bucket >= Buckets.MOST ? Buckets.ALL : bucket);
  }

  /** The entry of the activity, made if there is room; null when the map is full. */
  private Buckets entry(long activity, long now) {
    Buckets known = activities.get(activity);
    if (known != null) {
      return known;
    }
    if (activities.size() >= settings.maxActivities()) {
      // Bounded: entries whose knowledge lapsed go first, their changes kept as untracked ones.
      activities.values().removeIf(entry -> {
        long last = entry.retireIfLapsed(now);
        noteUntracked(last);
        return last >= 0;
      });
      if (activities.size() >= settings.maxActivities()) {
        return null;
      }
    }
    return activities.computeIfAbsent(activity, id -> new Buckets());
  }

  private void restocked(long activity, int bucket) {
    long change = changes.incrementAndGet();
    while (true) {
      Buckets known = entry(activity, System.nanoTime());
      if (known == null) {
        noteUntracked(change);
        return;
      }
      if (known.restocked(bucket, change)) {
        return;
      }
      // Retired by a prune or a forgetting under way: the change goes to the activity's next entry
      // (a lesson learnt into that one meanwhile is voided by it), never into a retired one.
      activities.remove(activity, known);
    }
  }

  private synchronized void noteUntracked(long change) {
    if (change > untracked) {
      untracked = change;
    }
  }

  private void forgetAll(String why) {
    // First the number, then the entries: a lesson racing with this is void either way.
    noteUntracked(changes.incrementAndGet());
    if (!activities.isEmpty()) {
      log.debug("forgetting sold-out activities: {}", why);
    }
    activities.values().removeIf(entry -> {
      noteUntracked(entry.retire());
      return true;
    });
  }

  /**
   * What is known of one activity's buckets: until when each is known empty (System.nanoTime; 0:
   * not known) and the change number of the last restock naming it, or naming them all. A retired
   * entry (pruned, or forgotten with everything) takes no lesson and no restock any more: a restock
   * it refuses is kept as an untracked change instead, so none is lost with the entry.
   */
  private final class Buckets {

    static final int MOST = ActivityDraft.MAX_SHARDS;
    static final int ALL = -1;

    private final long[] emptyUntil = new long[MOST];
    /** Until when (System.nanoTime; 0: none) a probe of a bucket whose knowledge lapsed is out. */
    private final long[] probeUntil = new long[MOST];
    /** Until when a walker asks a bucket as a giver (apart from knowledge: it never makes one known). */
    private final long[] askingUntil = new long[MOST];
    private final long[] restockedAt = new long[MOST];
    private long allRestockedAt;
    /** The activity's bucket count, as the last lesson said (0: nothing learnt yet). */
    private int count;
    private boolean retired;

    synchronized void learn(int bucket, int buckets, long mark, long until) {
      probeUntil[bucket] = 0;
      askingUntil[bucket] = 0;
      if (retired || mark < untracked || mark < allRestockedAt || mark < restockedAt[bucket]) {
        return;
      }
      count = buckets;
      emptyUntil[bucket] = until;
    }

    /** False when retired: the caller keeps the change as untracked. */
    synchronized boolean restocked(int bucket, long change) {
      if (retired) {
        return false;
      }
      if (bucket == ALL) {
        allRestockedAt = change;
        Arrays.fill(emptyUntil, 0);
        Arrays.fill(probeUntil, 0);
        Arrays.fill(askingUntil, 0);
      } else {
        restockedAt[bucket] = change;
        emptyUntil[bucket] = 0;
        probeUntil[bucket] = 0;
        // Units came: every walker may ask it now, not only the one asking.
        askingUntil[bucket] = 0;
      }
      return true;
    }

    synchronized boolean knownOrProbed(int bucket, long now, long grace) {
      if (bucket < 0 || bucket >= MOST) {
        return false;
      }
      if (known(bucket, now)) {
        return true;
      }
      if (emptyUntil[bucket] == 0 || retired || now - (emptyUntil[bucket] + grace) >= 0) {
        // Never known, or lapsed more than a grace ago: every caller asks, as if nothing were known.
        return false;
      }
      // Lapsed lately: the first caller probes; the others wait for its answer, a grace at most.
      probeUntil[bucket] = now + grace;
      return false;
    }

    synchronized Giver giver(int bucket, long now, long grace) {
      if (bucket < 0 || bucket >= MOST || retired) {
        return Giver.ASK;
      }
      if (knownOrProbed(bucket, now, grace)) {
        return Giver.KNOWN_EMPTY;
      }
      if (probeUntil[bucket] != 0 && now - probeUntil[bucket] < 0 && emptyUntil[bucket] != 0
          && now - (emptyUntil[bucket] + grace) < 0) {
        // knownOrProbed just made this caller the probe of its lapsed knowledge: it asks.
        return Giver.ASK;
      }
      if (askingUntil[bucket] != 0 && now - askingUntil[bucket] < 0) {
        return Giver.BEING_ASKED;
      }
      askingUntil[bucket] = now + grace;
      return Giver.ASK;
    }

    synchronized void answered(int bucket, boolean hadStock) {
      if (bucket < 0 || bucket >= MOST) {
        return;
      }
      probeUntil[bucket] = 0;
      askingUntil[bucket] = 0;
      if (hadStock) {
        emptyUntil[bucket] = 0;
      }
    }

    synchronized boolean allEmpty(long now) {
      if (count == 0) {
        return false;
      }
      for (int b = 0; b < count; b++) {
        if (!known(b, now)) {
          return false;
        }
      }
      return true;
    }

    /** Known empty now, or lapsed with a probe out. */
    private boolean known(int bucket, long now) {
      long until = emptyUntil[bucket];
      return until != 0 && (now - until < 0 || (probeUntil[bucket] != 0 && now - probeUntil[bucket] < 0));
    }

    /** Retires the entry when nothing it knows holds any more: answers its last change, or -1 (kept). */
    synchronized long retireIfLapsed(long now) {
      for (int b = 0; b < MOST; b++) {
        if (known(b, now)) {
          return -1;
        }
      }
      return retire();
    }

    synchronized long retire() {
      retired = true;
      long last = allRestockedAt;
      for (long at : restockedAt) {
        last = Math.max(last, at);
      }
      return last;
    }
  }

  @Override
  public void start() {
    if (!settings.enabled()) {
      return;
    }
    running = Disposables.composite(restocks().subscribe(), connectionChanges().subscribe());
  }

  /** Restock messages; resubscribes after any failure, starting from knowing nothing. */
  private Flux<String> restocks() {
    return Flux.defer(() -> redis.listenToChannelLater(keys.restockChannel())
            .doOnNext(confirmed -> {
              forgetAll("subscribed to " + keys.restockChannel());
              subscribed = true;
            })
            .flatMapMany(messages -> messages))
        .map(ReactiveSubscription.Message::getMessage)
        .doOnNext(this::restocked)
        .doOnError(e -> log.warn("restock subscription failed, knowing nothing until resubscribed: {}", e.toString()))
        .doFinally(signal -> stopListening("subscription ended"))
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2)))
        .repeatWhen(ended -> ended.delayElements(Duration.ofMillis(500)))
        // Opening the subscriber's connection may block; keep it off event-loop and timer threads.
        .subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * Lettuce reconnects and resubscribes by itself; messages in the gap are lost, so a reconnect
   * attempt forgets everything (and quiets learning), and so does a connection coming up while a
   * reconnect was seen lately ({@link #RECONNECTED_WINDOW}: the one that dropped may be the
   * subscription's). A connection opened or closed on purpose (a topology refresh's: on a cluster of
   * 8 primaries, 8 every few seconds; a live reader's) loses no message and forgets nothing: forgetting
   * then made every refresh in a sharded spike cost a walk over every bucket for each request in flight.
   */
  private Flux<Event> connectionChanges() {
    return connections.getClientResources().eventBus().get()
        .filter(event -> event instanceof ConnectionActivatedEvent || event instanceof ReconnectAttemptEvent)
        .doOnNext(event -> {
          long now = System.nanoTime();
          if (event instanceof ReconnectAttemptEvent attempt) {
            // Quiet until the next attempt could come (Lettuce's backoff at most doubles the delay
            // it just waited), and a TTL past it: no learning while the connection is still down.
            Duration delay = attempt.getDelay() == null ? Duration.ZERO : attempt.getDelay();
            quietUntil = now + 2 * delay.toNanos() + settings.ttl().toNanos();
            lastReconnect = now;
            reconnectSeen = true;
            forgetAll("ReconnectAttemptEvent");
          } else if (reconnectSeen && now - lastReconnect < RECONNECTED_WINDOW.toNanos()) {
            forgetAll("a connection came up after a reconnect");
          }
        });
  }

  /** A restock message: {@code 42} (every bucket of activity 42) or {@code 42.3} (its bucket 3). */
  private void restocked(String message) {
    int dot = message.indexOf('.');
    try {
      ActivityId activity = new ActivityId(Long.parseLong(dot < 0 ? message : message.substring(0, dot)));
      int bucket = dot < 0 ? Buckets.ALL : Integer.parseInt(message.substring(dot + 1));
      if (bucket != Buckets.ALL && (bucket < 0 || bucket >= Buckets.MOST)) {
        throw new IllegalArgumentException("bucket out of bounds");
      }
      restocked(activity.value(), bucket);
    } catch (IllegalArgumentException e) {
      forgetAll("unreadable restock message '" + message + "'");
    }
  }

  private void stopListening(String why) {
    subscribed = false;
    forgetAll(why);
  }

  @Override
  public void stop() {
    Disposable current = running;
    if (current != null) {
      current.dispose();
    }
    running = null;
    stopListening("stopped");
  }

  @Override
  public boolean isRunning() {
    return running != null && !running.isDisposed();
  }
}
