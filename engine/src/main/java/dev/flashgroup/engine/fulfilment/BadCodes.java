package dev.flashgroup.engine.fulfilment;

import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The bad-code limit of {@link VerificationSettings}: a Redis counter per subject. Every attempt
 * takes one from the limit before its code is looked up (count_bad_code.lua: counted and checked
 * in one step, so simultaneous scans cannot all pass a read of the counter), and an attempt whose
 * code turns out good gives it back (give_back_code.lua).
 */
@Component
class BadCodes {

  /** One attempt taken: {@code refused} past the limit, then {@code first} for the window's first refusal. */
  record Attempt(boolean refused, boolean first, Duration retryAfter) {}

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<String>> countBadCode;
  private final RedisScript<Long> giveBackCode;
  private final VerificationSettings settings;

  BadCodes(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<List<String>> countBadCode,
      RedisScript<Long> giveBackCode, VerificationSettings settings) {
    this.redis = redis;
    this.keys = keys;
    this.countBadCode = countBadCode;
    this.giveBackCode = giveBackCode;
    this.settings = settings;
  }

  /** Takes one attempt of the subject's limit. */
  Mono<Attempt> take(String subject) {
    return redis.execute(countBadCode, List.of(keys.badPickupCodes(subject)),
            List.of(Long.toString(settings.badCodeWindow().toMillis()), Integer.toString(settings.badCodes())))
        .single()
        .map(reply -> new Attempt("REFUSED".equals(reply.get(0)),
            Long.parseLong(reply.get(1)) == settings.badCodes() + 1L,
            Duration.ofMillis(Math.max(1_000, Long.parseLong(reply.get(2))))));
  }

  /** Gives back the attempt of a code that turned out good. */
  Mono<Void> giveBack(String subject) {
    return redis.execute(giveBackCode, List.of(keys.badPickupCodes(subject))).then();
  }
}
