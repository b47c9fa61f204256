package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashgroup.engine.support.TestRedis;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * {@link ScriptSlotCheck}, which every Lua script test runs under on the test cluster, finds a key
 * a script derived outside its slot, and passes one that stays in it ({@code {a4}} and {@code {a8}}
 * are on the same primary of a 3-primary cluster, so Redis 7.0 would run the bad one).
 */
class ScriptSlotsTest {

  @Test
  void findsAKeyDerivedOutsideTheScriptsSlot() throws InterruptedException {
    assumeTrue(TestRedis.cluster(), "runs on the test cluster (scripts/test's second run)");
    String namespace = "fgt" + UUID.randomUUID();
    var check = new ScriptSlotCheck(namespace);
    var factory = TestRedis.factory();
    try {
      var redis = new StringRedisTemplate(factory);
      check.start();
      String good = "redis.call('SET', KEYS[1], 1); return redis.call('GET', ARGV[1] .. 'other')";
      String bad = "redis.call('SET', KEYS[1], 2); return redis.call('GET', ARGV[2] .. 'other')";
      redis.execute(RedisScript.of(good, String.class), List.of(namespace + ":{a4}:stock"), namespace + ":{a4}:");
      redis.execute(RedisScript.of(bad, String.class), List.of(namespace + ":{a4}:stock"), namespace + ":{a4}:",
          namespace + ":{a8}:");
      List<String> violations = check.stopAndCheck();

      assertThat(violations).singleElement().asString().contains(namespace + ":{a8}:other");
    } finally {
      TestRedis.deleteKeys(namespace + ":*");
      factory.destroy();
    }
  }

  @Test
  void readsRedisCliMonitorLines() {
    assertThat(ScriptSlotCheck.arguments("1796.1 [0 lua] \"HSET\" \"fg:{a42}:o:42-1\" \"a\\\"b\" \"\\x00\""))
        .containsExactly("HSET", "fg:{a42}:o:42-1", "a\"b", "\0");
  }
}
