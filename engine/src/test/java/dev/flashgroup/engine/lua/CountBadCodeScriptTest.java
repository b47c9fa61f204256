package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.kernel.LuaScript;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;

/**
 * count_bad_code.lua: every attempt of one subject is counted before its lookup, in a window that
 * starts with the first; past the limit it is refused (and still counted).
 */
class CountBadCodeScriptTest extends LuaScriptSupport {

  private static final long WINDOW_MS = 60_000;
  private static final int LIMIT = 3;

  private final RedisScript<List<String>> countBadCode = LuaScript.loadList("count_bad_code");

  private List<String> count(String subject) {
    return redis.execute(countBadCode, List.of(namespaceKeys.badPickupCodes(subject)),
        List.of(Long.toString(WINDOW_MS), Integer.toString(LIMIT))).single().block(TIMEOUT);
  }

  @Test
  void startsTheWindowWithTheFirstAttempt() {
    List<String> first = count("clerk-3");

    assertThat(first.subList(0, 2)).containsExactly("TAKEN", "1");
    assertThat(Long.parseLong(first.get(2))).isPositive().isLessThanOrEqualTo(WINDOW_MS);
  }

  @Test
  void countsOnWithinTheWindowWithoutMovingItsEnd() {
    count("clerk-3");
    redis.expire(namespaceKeys.badPickupCodes("clerk-3"), Duration.ofSeconds(10)).block(TIMEOUT);

    List<String> second = count("clerk-3");

    assertThat(second.subList(0, 2)).containsExactly("TAKEN", "2");
    assertThat(Long.parseLong(second.get(2))).isLessThanOrEqualTo(10_000);
  }

  @Test
  void refusesPastTheLimitAndCountsTheRefusal() {
    for (int i = 1; i <= LIMIT; i++) {
      assertThat(count("clerk-3").get(0)).isEqualTo("TAKEN");
    }

    assertThat(count("clerk-3").subList(0, 2)).containsExactly("REFUSED", Integer.toString(LIMIT + 1));
    assertThat(count("clerk-3").subList(0, 2)).containsExactly("REFUSED", Integer.toString(LIMIT + 2));
  }

  @Test
  void ofAHundredSimultaneousAttemptsOnlyTheLimitPass() {
    List<String> outcomes = Flux.range(0, 100)
        .flatMap(i -> redis.execute(countBadCode, List.of(namespaceKeys.badPickupCodes("clerk-3")),
            List.of(Long.toString(WINDOW_MS), Integer.toString(LIMIT))).single().map(reply -> reply.get(0)), 100)
        .collectList().block(TIMEOUT);

    assertThat(outcomes).filteredOn("TAKEN"::equals).hasSize(LIMIT);
    assertThat(outcomes).filteredOn("REFUSED"::equals).hasSize(100 - LIMIT);
  }

  @Test
  void givesACounterLeftWithoutExpiryAWindow() {
    redis.opsForValue().set(namespaceKeys.badPickupCodes("clerk-3"), "1").block(TIMEOUT);

    List<String> next = count("clerk-3");

    assertThat(next.subList(0, 2)).containsExactly("TAKEN", "2");
    assertThat(Long.parseLong(next.get(2))).isEqualTo(WINDOW_MS);
    assertThat(redis.getExpire(namespaceKeys.badPickupCodes("clerk-3")).block(TIMEOUT)).isPositive();
  }

  @Test
  void keepsSubjectsApart() {
    count("clerk-3");

    assertThat(count("clerk-4").get(1)).isEqualTo("1");
  }
}
