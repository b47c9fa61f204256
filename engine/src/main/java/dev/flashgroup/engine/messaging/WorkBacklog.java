package dev.flashgroup.engine.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Messages waiting for the workers: the ready count of every work queue (orders, refunds,
 * reminders), summed. A passive declare per queue, so the broker answers from its own count; the
 * messages a worker holds unacknowledged are not in it (AMQP does not tell them).
 *
 * <p>Each declare runs on a channel of its own, closed after: the broker answers a passive declare
 * of a missing queue by closing the channel (404), and on a shared channel that would fail every
 * later declare. A missing queue counts no messages; the others are still counted.
 */
@Component
public final class WorkBacklog {

  private static final Logger log = LoggerFactory.getLogger(WorkBacklog.class);
  private static final int NOT_FOUND = 404;

  private final RabbitConnections connections;
  private final MessagingSettings settings;

  WorkBacklog(RabbitConnections connections, MessagingSettings settings) {
    this.connections = connections;
    this.settings = settings;
  }

  /** Ready messages in the work queues; an error when the broker cannot be reached. */
  public Mono<Long> waiting() {
    return Flux.fromIterable(Arrays.asList(WorkQueue.values()))
        .concatMap(queue -> ready(queue.queueName(settings)))
        .reduce(0L, Long::sum);
  }

  /**
   * The queue's ready count on a fresh channel. Opening, declaring and closing block (AMQP RPCs):
   * this runs where {@link RabbitConnections#connection()} does, on boundedElastic.
   */
  private Mono<Long> ready(String queue) {
    return connections.connection().map(connection -> count(connection, queue));
  }

  private static long count(Connection connection, String queue) {
    Channel channel;
    try {
      channel = connection.createChannel();
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a channel to count " + queue, e);
    }
    if (channel == null) {
      throw new IllegalStateException("no channel left on the connection to count " + queue);
    }
    try {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      if (notFound(e)) {
        log.debug("work queue {} is missing: it counts no messages", queue);
        return 0;
      }
      throw new IllegalStateException("cannot count " + queue, e);
    } finally {
      closeQuietly(channel);
    }
  }

  private static boolean notFound(IOException e) {
    return e.getCause() instanceof ShutdownSignalException signal
        && signal.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == NOT_FOUND;
  }

  private static void closeQuietly(Channel channel) {
    if (!channel.isOpen()) {
      return; // the broker closed it (a missing queue)
    }
    try {
      channel.close();
    } catch (IOException | ShutdownSignalException | TimeoutException e) {
      log.debug("closing a backlog channel: {}", e.toString());
    }
  }
}
