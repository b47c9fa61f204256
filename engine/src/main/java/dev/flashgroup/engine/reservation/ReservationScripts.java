package dev.flashgroup.engine.reservation;

import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class ReservationScripts {

  @Bean
  @SuppressWarnings({"rawtypes", "unchecked"})
  RedisScript<List<String>> reserve() {
    return (RedisScript) RedisScript.of(new ClassPathResource("lua/reserve.lua"), List.class);
  }
}
