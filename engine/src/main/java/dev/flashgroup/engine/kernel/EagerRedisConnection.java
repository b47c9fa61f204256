package dev.flashgroup.engine.kernel;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Opens Lettuce's shared connection at start-up. Left lazy, the first command would connect
 * synchronously on whichever thread subscribed first, often an event-loop or parallel thread.
 */
@Component
class EagerRedisConnection implements BeanPostProcessor {

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (bean instanceof LettuceConnectionFactory factory) {
      factory.setEagerInitialization(true);
    }
    return bean;
  }
}
