package dev.flashgroup.engine.timer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class TimerScripts {

  @Bean
  RedisScript<Long> expireReservations() {
    return RedisScript.of(new ClassPathResource("lua/expire_reservations.lua"), Long.class);
  }

  @Bean
  RedisScript<Long> failGroups() {
    return RedisScript.of(new ClassPathResource("lua/fail_groups.lua"), Long.class);
  }
}
