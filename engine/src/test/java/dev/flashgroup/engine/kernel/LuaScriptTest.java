package dev.flashgroup.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

class LuaScriptTest {

  @Test
  void aScriptKnowsItsTextAndHashWithoutLockingOnEachCall() throws Exception {
    RedisScript<String> script = LuaScript.load("confirm_refund", String.class);

    // DefaultRedisScript#getSha1 locks on every call; two event-loop threads asking at once park.
    assertThat(script).isNotInstanceOf(DefaultRedisScript.class);
    assertThat(script.getScriptAsString()).contains("REFUNDING -> REFUNDED");
    assertThat(script.getSha1()).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-1").digest(script.getScriptAsString().getBytes(StandardCharsets.UTF_8))));
    assertThat(script.getResultType()).isEqualTo(String.class);
    assertThat(LuaScript.loadList("confirm_payment").getResultType()).isEqualTo(java.util.List.class);
  }
}
