package dev.flashgroup.engine.messaging;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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

  @Bean(destroyMethod = "close")
  Receiver rabbitReceiver(RabbitConnections connections) {
    return RabbitFlux.createReceiver(new ReceiverOptions().connectionMono(connections.connection()));
  }
}
