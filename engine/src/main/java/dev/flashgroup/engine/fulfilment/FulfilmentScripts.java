package dev.flashgroup.engine.fulfilment;

import dev.flashgroup.engine.kernel.LuaScript;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class FulfilmentScripts {

  @Bean
  RedisScript<List<String>> verifyPickup() {
    return LuaScript.loadList("verify_pickup");
  }

  @Bean
  RedisScript<List<String>> countBadCode() {
    return LuaScript.loadList("count_bad_code");
  }

  @Bean
  RedisScript<Long> giveBackCode() {
    return LuaScript.load("give_back_code", Long.class);
  }
}
