package dev.flashgroup.engine.messaging;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;
import reactor.rabbitmq.ChannelPool;
import reactor.rabbitmq.ChannelPoolFactory;
import reactor.rabbitmq.ChannelPoolOptions;
import reactor.rabbitmq.RabbitFlux;
import reactor.rabbitmq.Receiver;
import reactor.rabbitmq.ReceiverOptions;
import reactor.rabbitmq.Sender;
import reactor.rabbitmq.SenderOptions;

/** reactor-rabbitmq stays behind these beans; the rest of flashgroup sees our own types. */
@Configuration(proxyBeanMethods = false)
class RabbitClients {

  @Bean(destroyMethod = "close")
  Sender rabbitSender(RabbitConnections connections) {
    return RabbitFlux.createSender(new SenderOptions().connectionMono(connections.connection()));
  }

  /**
   * The relay's publishing channel, kept between rounds: opening a channel per round would cost
   * two more round trips to the broker each time (open and close). A channel whose publish failed
   * is closed, and the next round opens another. Its connection never recovers in place
   * ({@link RabbitConnections#publishing()}).
   */
  @Bean(destroyMethod = "close")
  ChannelPool relayChannels(RabbitConnections connections) {
    return ChannelPoolFactory.createChannelPool(connections.publishing(),
        new ChannelPoolOptions().maxCacheSize(1).subscriptionScheduler(Schedulers.boundedElastic()));
  }

  @Bean(destroyMethod = "close")
  Receiver rabbitReceiver(RabbitConnections connections) {
    return RabbitFlux.createReceiver(new ReceiverOptions().connectionMono(connections.connection()));
  }
}
