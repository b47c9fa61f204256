package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.flashgroup.engine.messaging.MessagingSettings;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.Isolation;
import dev.flashgroup.engine.support.TestEngineApplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * An event the strict reader cannot read (a field misspelt in Lua that no test caught) goes to the
 * dead-letter queue once, is not handed back to the worker again and again, and is counted.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class UnreadableEventTest {

  @Autowired MessagingSettings settings;
  @Autowired MeterRegistry meters;

  @Test
  void anUnreadableEventIsDeadLetteredOnceAndCounted() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(Isolation.RABBIT_HOST);
    factory.setPort(Isolation.RABBIT_PORT);
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      // Declared by the workers as they start, each declaring the whole topology (queues, then
      // bindings) before it consumes: a consumer on the orders queue means the events exchange
      // routes there (a message published before the binding would be dropped unroutable). A
      // passive declaration of a missing queue closes the channel it ran on, so each look takes a
      // channel of its own.
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
        try (Channel probe = connection.createChannel()) {
          probe.queueDeclarePassive(settings.deadLetterQueue());
          return probe.queueDeclarePassive(settings.ordersQueue()).getConsumerCount() > 0;
        }
      });
      channel.basicPublish(settings.eventsExchange(), "GroupFailed",
          new AMQP.BasicProperties.Builder().type("GroupFailed").messageId("poison-1").deliveryMode(2).build(),
          "{\"at\":1}".getBytes(StandardCharsets.UTF_8));

      await().atMost(Duration.ofSeconds(30))
          .until(() -> channel.queueDeclarePassive(settings.deadLetterQueue()).getMessageCount() == 1);
      await().atMost(Duration.ofSeconds(30))
          .until(() -> channel.queueDeclarePassive(settings.ordersQueue()).getMessageCount() == 0);
      assertThat(meters.get("flashgroup.worker.failures").tag("queue", settings.ordersQueue()).counter().count())
          .isEqualTo(1.0);
      assertThat(channel.queueDeclarePassive(settings.deadLetterQueue()).getMessageCount()).isEqualTo(1);
    }
  }
}
