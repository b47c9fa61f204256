package dev.flashgroup.engine.activity;

import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import dev.flashgroup.engine.kernel.LuaScript;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class ActivityScripts {

  @Bean
  RedisScript<String> warmActivity() {
    return LuaScript.load("warm_activity", String.class);
  }

  @Bean
  RedisScript<String> editActivity() {
    return LuaScript.load("edit_activity", String.class);
  }

  @Bean
  RedisScript<List<String>> cancelActivity() {
    return LuaScript.loadList("cancel_activity");
  }

  @Bean
  RedisScript<String> retireActivity() {
    return LuaScript.load("retire_activity", String.class);
  }

  @Bean
  RedisScript<List<String>> rebuildActivity() {
    return LuaScript.loadList("rebuild_activity");
  }

  @Bean
  RedisScript<List<String>> freezeTransfers() {
    return LuaScript.loadList("freeze_transfers");
  }

  @Bean
  RedisScript<List<String>> moveAllocation() {
    return LuaScript.loadList("move_allocation");
  }

  @Bean
  RedisScript<String> closePoint() {
    return LuaScript.load("close_point", String.class);
  }

  @Bean
  RedisScript<List<String>> addStock() {
    return LuaScript.loadList("add_stock");
  }
}
