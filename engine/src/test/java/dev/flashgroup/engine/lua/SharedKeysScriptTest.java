package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.kernel.LuaScript;
import dev.flashgroup.engine.keys.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * shared_keys.lua (test only) runs lib/shared.lua's key derivation: the order and group keys every
 * script derives from the activity's prefix are exactly the ones {@code RedisKeys} builds.
 */
class SharedKeysScriptTest extends LuaScriptSupport {

  private final RedisScript<List<String>> sharedKeys = LuaScript.loadList("shared_keys");

  @Test
  void derivesTheKeysRedisKeysBuilds() {
    List<String> derived = redis.execute(sharedKeys, List.of(), List.of(keys.prefix(), "42-7", "42-8"))
        .single().block(TIMEOUT);

    assertThat(derived).containsExactly(keys.order("42-7"), keys.group("42-8"), keys.groupMembers("42-8"),
        ACTIVITY.toString(), RedisKeys.ActivityKeys.pointStockField(17), RedisKeys.ActivityKeys.pointClosedField(17),
        RedisKeys.ActivityKeys.pointWindowField(17));
  }

  @Test
  void readsTheActivityOfAChildIdAsActivityIdDoes() {
    List<String> derived = redis.execute(sharedKeys, List.of(), List.of(keys.prefix(), "1234567-89", "1234567-90"))
        .single().block(TIMEOUT);

    assertThat(derived.get(3)).isEqualTo(ActivityId.owning("1234567-89").orElseThrow().toString());
  }
}
