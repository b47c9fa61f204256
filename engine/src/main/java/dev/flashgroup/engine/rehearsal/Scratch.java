package dev.flashgroup.engine.rehearsal;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.KeySettings;
import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One rehearsal's scratch namespace, {@code <namespace>:rehearsal:<random>}: every key a rehearsal
 * writes is under it (activities, orders, groups, quotas, streams, idempotency and attempt keys
 * all derive from the activity's prefix), and no real key ever is, so deleting the namespace
 * leaves Redis as it was. Each rehearsal has its own, so two instances rehearsing at once never
 * meet. {@code until} is when the part's share of the rehearsal's budget runs out: it starts no new
 * work after it.
 *
 * @param buyers what the rehearsal's buyers' ids start with (ids of a real buyer never do)
 */
public record Scratch(String namespace, RedisKeys keys, String buyers, Instant until) {

  /** The activity reservations are made in. */
  public static final ActivityId ON_SALE = new ActivityId(1);
  /** The activity that sells out at once, for the SOLD_OUT refusals. */
  public static final ActivityId SOLD_OUT = new ActivityId(2);

  static Scratch fresh(KeySettings real, Instant until) {
    // Unique, not secret: ThreadLocalRandom, which never blocks an event loop (SecureRandom may read /dev/urandom).
    String nonce = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    String namespace = real.namespace() + ":rehearsal:" + nonce;
    return new Scratch(namespace, new RedisKeys(new KeySettings(namespace)), "rehearsal-" + nonce + "-", until);
  }

  /** The same namespace with another end of the budget: a part's share. */
  Scratch until(Instant end) {
    return new Scratch(namespace, keys, buyers, end);
  }

  /** A SCAN pattern matching every key of the namespace and nothing else. */
  String pattern() {
    return namespace.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + ":*";
  }

  /** Whether the budget has run out at {@code now}. */
  public boolean over(Instant now) {
    return !now.isBefore(until);
  }
}
