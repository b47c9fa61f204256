package dev.flashgroup.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.script.RedisScript;

/** Scripts are read and hashed once; the hash is the one Redis gives the same text (EVALSHA finds it). */
class LuaScriptTest {

  @Test
  void hashesTheScriptTextAsRedisDoes() {
    RedisScript<List<String>> reserve = LuaScript.loadList("reserve");

    assertThat(reserve.getSha1()).isEqualTo(RedisScript.of(reserve.getScriptAsString()).getSha1()).hasSize(40);
    assertThat(reserve.getResultType()).isEqualTo(List.class);
    assertThat(reserve.getScriptAsString()).contains("KEYS[1] activity hash");
  }

  @Test
  void keepsTheResultType() {
    assertThat(LuaScript.load("settle_groups", Long.class).getResultType()).isEqualTo(Long.class);
  }
}
