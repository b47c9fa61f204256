package dev.flashgroup.engine.payment;

import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import dev.flashgroup.engine.kernel.LuaScript;
import org.springframework.data.redis.core.script.RedisScript;

@Configuration(proxyBeanMethods = false)
class PaymentScripts {

  @Bean
  RedisScript<List<String>> confirmPayment() {
    return LuaScript.loadList("confirm_payment");
  }

  @Bean
  RedisScript<String> confirmRefund() {
    return LuaScript.load("confirm_refund", String.class);
  }
}
