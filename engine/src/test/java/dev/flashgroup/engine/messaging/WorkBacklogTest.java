package dev.flashgroup.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.flashgroup.engine.support.Isolation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker backlog counts the ready messages of the work queues that exist. A missing queue
 * (the broker answers its passive declare by closing the channel) counts none and spoils neither
 * the other queues' counts nor later rounds.
 */
class WorkBacklogTest {

  private static final Isolation services = new Isolation();
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static RabbitConnections connections;
  private static MessagingSettings settings;

  @BeforeAll
  static void connect() {
    settings = new MessagingSettings(Isolation.RABBIT_HOST, Isolation.RABBIT_PORT, "guest", "guest", "/",
        services.messagingPrefix(), 5, 256, 8, 8, false,
        new MessagingSettings.Batch(100, Duration.ofMillis(10), 2));
    connections = new RabbitConnections(settings);
  }

  @AfterAll
  static void cleanUp() throws Exception {
    connections.close();
    services.removeAll();
  }

  @Test
  void aMissingQueueCountsNothingAndSpoilsNeitherTheOthersNorLaterRounds() throws Exception {
    WorkBacklog backlog = new WorkBacklog(connections, settings);
    Connection connection = connections.connection().block(PATIENCE);
    try (Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      // The refunds queue is missing; orders holds 2, reminders 3.
      enqueue(channel, settings.ordersQueue(), 2);
      enqueue(channel, settings.remindersQueue(), 3);

      for (int round = 0; round < 3; round++) {
        assertThat(backlog.waiting().block(PATIENCE)).as("round %d", round).isEqualTo(5L);
      }

      // Once it exists, it is counted too.
      enqueue(channel, settings.refundsQueue(), 1);
      assertThat(backlog.waiting().block(PATIENCE)).isEqualTo(6L);
    }
  }

  /** Declares the queue and puts {@code messages} in it, confirmed by the broker. */
  private static void enqueue(Channel channel, String queue, int messages) throws Exception {
    channel.queueDeclare(queue, true, false, false, null);
    for (int i = 0; i < messages; i++) {
      channel.basicPublish("", queue, null, ("message " + i).getBytes(StandardCharsets.UTF_8));
    }
    channel.waitForConfirmsOrDie(PATIENCE.toMillis());
  }
}
