package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.kernel.LuaScript;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.script.RedisScript;

/** give_back_code.lua: a good code's attempt goes back to the subject's limit; never below zero. */
class GiveBackCodeScriptTest extends LuaScriptSupport {

  private final RedisScript<Long> giveBackCode = LuaScript.load("give_back_code", Long.class);

  private Long giveBack() {
    return redis.execute(giveBackCode, List.of(namespaceKeys.badPickupCodes("clerk-3"))).single().block(TIMEOUT);
  }

  @Test
  void givesOneAttemptBackAndKeepsTheWindow() {
    redis.opsForValue().set(namespaceKeys.badPickupCodes("clerk-3"), "2", Duration.ofSeconds(30)).block(TIMEOUT);

    assertThat(giveBack()).isEqualTo(1);

    assertThat(redis.opsForValue().get(namespaceKeys.badPickupCodes("clerk-3")).block(TIMEOUT)).isEqualTo("1");
    assertThat(redis.getExpire(namespaceKeys.badPickupCodes("clerk-3")).block(TIMEOUT)).isPositive();
  }

  @Test
  void leavesAZeroCounterAtZero() {
    redis.opsForValue().set(namespaceKeys.badPickupCodes("clerk-3"), "0", Duration.ofSeconds(30)).block(TIMEOUT);

    assertThat(giveBack()).isZero();

    assertThat(redis.opsForValue().get(namespaceKeys.badPickupCodes("clerk-3")).block(TIMEOUT)).isEqualTo("0");
  }

  @Test
  void leavesAnEndedWindowGone() {
    assertThat(giveBack()).isZero();

    assertThat(redis.hasKey(namespaceKeys.badPickupCodes("clerk-3")).block(TIMEOUT)).isFalse();
  }
}
