package dev.flashgroup.engine.shard;

import dev.flashgroup.engine.kernel.LuaScript;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class ShardScripts {

  @Bean
  RedisScript<List<String>> takeStock() {
    return LuaScript.loadList("take_stock");
  }

  @Bean
  RedisScript<List<String>> giveStock() {
    return LuaScript.loadList("give_stock");
  }

  @Bean
  RedisScript<List<String>> touchTransfer() {
    return LuaScript.loadList("touch_transfer");
  }
}
