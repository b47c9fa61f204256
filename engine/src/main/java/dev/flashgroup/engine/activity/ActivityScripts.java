package dev.flashgroup.engine.activity;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class ActivityScripts {

  @Bean
  RedisScript<String> warmActivity() {
    return RedisScript.of(new ClassPathResource("lua/warm_activity.lua"), String.class);
  }
}
