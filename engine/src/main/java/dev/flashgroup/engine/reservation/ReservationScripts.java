package dev.flashgroup.engine.reservation;

import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import dev.flashgroup.engine.kernel.LuaScript;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class ReservationScripts {

  @Bean
  RedisScript<List<String>> reserve() {
    return LuaScript.loadList("reserve");
  }
}
