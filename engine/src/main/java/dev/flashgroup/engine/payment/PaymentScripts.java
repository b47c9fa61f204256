package dev.flashgroup.engine.payment;

import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class PaymentScripts {

  @Bean
  @SuppressWarnings({"rawtypes", "unchecked"})
  RedisScript<List<String>> confirmPayment() {
    return (RedisScript) RedisScript.of(new ClassPathResource("lua/confirm_payment.lua"), List.class);
  }

  @Bean
  RedisScript<String> confirmRefund() {
    return RedisScript.of(new ClassPathResource("lua/confirm_refund.lua"), String.class);
  }
}
