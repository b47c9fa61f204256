package dev.flashgroup.engine.activity;

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
}
