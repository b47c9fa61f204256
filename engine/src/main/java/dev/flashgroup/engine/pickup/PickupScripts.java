package dev.flashgroup.engine.pickup;

import dev.flashgroup.engine.kernel.LuaScript;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class PickupScripts {

  @Bean
  RedisScript<List<Long>> rollOverPickups() {
    return counts("roll_over_pickups");
  }

  @Bean
  RedisScript<List<Long>> takeReminders() {
    return counts("take_reminders");
  }

  /** Both scripts answer an array of integers (Redis hands them over as Longs). */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static RedisScript<List<Long>> counts(String name) {
    return (RedisScript) LuaScript.load(name, List.class);
  }
}
