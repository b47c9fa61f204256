package dev.flashgroup.engine.reservation;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import java.time.Duration;
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
 * The activities this instance knows are sold out, so it refuses them without a Redis round trip.
 *
 * <p>Knowledge is only ever a shortcut for an answer Redis gave: it is learnt from a SOLD_OUT
 * reply and dropped as soon as stock may have come back. Every script that gives units back
 * publishes the activity id on the restock channel; this instance listens there. A message can be
 * lost while the subscription is down, so knowledge is (1) learnt only while the subscription is
 * confirmed, (2) dropped entirely whenever the subscription or a Redis connection drops or comes
 * back, (3) not learnt while a connection that dropped is trying to reconnect (until twice the
 * delay of its last try has passed, so past its next try), nor for a TTL after that, and (4)
 * forgotten after a short TTL in any case. At most {@code max-activities} are known at once: the
 * map is a shortcut, so one that is full only costs the next refusals a round trip.
 *
 * <p>A connection closed on purpose (a live reader's, a topology refresh's: on a cluster one every
 * few seconds) makes the instance forget, not stop learning: only a connection that reconnects
 * dropped by accident. (Gating learning on "no connection is down" instead never learnt again after
 * the first connection closed for good.)
 */
@Component
class SoldOutActivities implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SoldOutActivities.class);

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final SoldOutSettings settings;
  private final LettuceConnectionFactory connections;
  private final Map<Long, Long> soldOutUntil = new ConcurrentHashMap<>();
  /** The restock subscription is confirmed. */
  private volatile boolean subscribed;
  /** Until then (System.nanoTime) nothing is learnt: a connection was reconnecting lately. */
  private volatile long quietUntil = System.nanoTime();
  /** Restocks heard and forgettings so far (see {@link #mark}). */
  private final AtomicLong changes = new AtomicLong();
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

  /** True when Redis said SOLD_OUT lately and no restock has been heard of since. */
  boolean knows(ActivityId activity) {
    Long until = soldOutUntil.get(activity.value());
    if (until == null) {
      return false;
    }
    if (System.nanoTime() - until > 0) {
      soldOutUntil.remove(activity.value(), until);
      return false;
    }
    return true;
  }

  /**
   * A mark to take before asking Redis: {@link #learn} with it learns nothing when a restock (or a
   * forgetting) was heard since, as the SOLD_OUT answer may predate the units that came back.
   */
  long mark() {
    return changes.get();
  }

  /** Redis answered SOLD_OUT for this activity to a question asked at {@code mark}. */
  void learn(ActivityId activity, long mark) {
    long now = System.nanoTime();
    if (!subscribed || now - quietUntil < 0 || changes.get() != mark) {
      return;
    }
    if (soldOutUntil.size() >= settings.maxActivities() && !soldOutUntil.containsKey(activity.value())) {
      // Bounded: lapsed knowledge goes first; if none lapsed, this one is simply not remembered.
      soldOutUntil.values().removeIf(until -> now - until > 0);
      if (soldOutUntil.size() >= settings.maxActivities()) {
        return;
      }
    }
    soldOutUntil.put(activity.value(), now + settings.ttl().toNanos());
  }

  /** Activities known sold out now (lapsed knowledge included until it is next read or pruned). */
  int known() {
    return soldOutUntil.size();
  }

  void forget(ActivityId activity) {
    changes.incrementAndGet();
    soldOutUntil.remove(activity.value());
  }

  private void forgetAll(String why) {
    changes.incrementAndGet();
    if (!soldOutUntil.isEmpty()) {
      log.debug("forgetting sold-out activities: {}", why);
    }
    soldOutUntil.clear();
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

  /** Lettuce reconnects and resubscribes by itself; messages in the gap are lost, so forget everything. */
  private Flux<Event> connectionChanges() {
    return connections.getClientResources().eventBus().get()
        .filter(event -> event instanceof DisconnectedEvent || event instanceof ConnectionActivatedEvent
            || event instanceof ReconnectAttemptEvent)
        .doOnNext(event -> {
          if (event instanceof ReconnectAttemptEvent attempt) {
            // Quiet until the next attempt could come (Lettuce's backoff at most doubles the delay
            // it just waited), and a TTL past it: no learning while the connection is still down.
            Duration delay = attempt.getDelay() == null ? Duration.ZERO : attempt.getDelay();
            quietUntil = System.nanoTime() + 2 * delay.toNanos() + settings.ttl().toNanos();
          }
          forgetAll(event.getClass().getSimpleName());
        });
  }

  private void restocked(String message) {
    try {
      forget(new ActivityId(Long.parseLong(message)));
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
