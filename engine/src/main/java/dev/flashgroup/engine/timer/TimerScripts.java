package dev.flashgroup.engine.timer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import dev.flashgroup.engine.kernel.LuaScript;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class TimerScripts {

  @Bean
  RedisScript<Long> expireReservations() {
    return LuaScript.load("expire_reservations", Long.class);
  }

  @Bean
  RedisScript<Long> settleGroups() {
    return LuaScript.load("settle_groups", Long.class);
  }
}
