package dev.flashgroup.engine.fulfilment;

import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The bad-code limit of {@link VerificationSettings}: a Redis counter per subject, counted by
 * count_bad_code.lua (INCR and its window's expiry in one step), read before each verification.
 */
@Component
class BadCodes {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<String>> countBadCode;
  private final VerificationSettings settings;

  BadCodes(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<List<String>> countBadCode,
      VerificationSettings settings) {
    this.redis = redis;
    this.keys = keys;
    this.countBadCode = countBadCode;
    this.settings = settings;
  }

  /** How long the subject must wait, when it has used up its bad codes; empty when it may try. */
  Mono<Duration> wait(String subject) {
    String key = keys.badPickupCodes(subject);
    return redis.opsForValue().get(key)
        .filter(count -> Long.parseLong(count) >= settings.badCodes())
        .flatMap(count -> redis.getExpire(key))
        .map(left -> left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left);
  }

  /** Counts one bad code. */
  Mono<Void> count(String subject) {
    return redis.execute(countBadCode, List.of(keys.badPickupCodes(subject)),
        List.of(Long.toString(settings.badCodeWindow().toMillis()))).then();
  }
}
