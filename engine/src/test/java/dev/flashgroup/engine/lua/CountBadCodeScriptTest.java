package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.kernel.LuaScript;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.script.RedisScript;

/** count_bad_code.lua: bad pickup codes of one subject, counted in a window that starts with the first. */
class CountBadCodeScriptTest extends LuaScriptSupport {

  private static final long WINDOW_MS = 60_000;

  private final RedisScript<List<String>> countBadCode = LuaScript.loadList("count_bad_code");

  private List<String> count(String subject) {
    return redis.execute(countBadCode, List.of(namespaceKeys.badPickupCodes(subject)),
        List.of(Long.toString(WINDOW_MS))).single().block(TIMEOUT);
  }

  @Test
  void startsTheWindowWithTheFirstBadCode() {
    List<String> first = count("clerk-3");

    assertThat(first.get(0)).isEqualTo("1");
    assertThat(Long.parseLong(first.get(1))).isPositive().isLessThanOrEqualTo(WINDOW_MS);
  }

  @Test
  void countsOnWithinTheWindowWithoutMovingItsEnd() {
    count("clerk-3");
    redis.expire(namespaceKeys.badPickupCodes("clerk-3"), java.time.Duration.ofSeconds(10)).block(TIMEOUT);

    List<String> second = count("clerk-3");

    assertThat(second.get(0)).isEqualTo("2");
    assertThat(Long.parseLong(second.get(1))).isLessThanOrEqualTo(10_000);
  }

  @Test
  void givesACounterLeftWithoutExpiryAWindow() {
    redis.opsForValue().set(namespaceKeys.badPickupCodes("clerk-3"), "7").block(TIMEOUT);

    List<String> next = count("clerk-3");

    assertThat(next.get(0)).isEqualTo("8");
    assertThat(Long.parseLong(next.get(1))).isEqualTo(WINDOW_MS);
    assertThat(redis.getExpire(namespaceKeys.badPickupCodes("clerk-3")).block(TIMEOUT)).isPositive();
  }

  @Test
  void keepsSubjectsApart() {
    count("clerk-3");

    assertThat(count("clerk-4").get(0)).isEqualTo("1");
  }
}
