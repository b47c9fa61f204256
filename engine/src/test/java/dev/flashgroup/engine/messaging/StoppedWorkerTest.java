package dev.flashgroup.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.Isolation;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A worker that was stopped stays stopped: the message it had in hand still ends (here with a
 * poison message whose nack meets a closed connection), but the worker does not reconnect and consume
 * again, which after a shutdown would re-declare its queue and outlive the application. A worker
 * that was not stopped does reconnect after the same failure.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class StoppedWorkerTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Autowired ApplicationContext context;
  @Autowired WorkerTransport transport;
  @Autowired RabbitConnections connections;
  @Autowired MessagingSettings settings;

  @Test
  void aStoppedWorkerDoesNotReconnectAfterItsLastMessageFails(CapturedOutput output) throws Exception {
    HeldWorker worker = takeOverReminders();
    holdOneMessage(worker);
    worker.stop();
    await().atMost(WAIT).until(() -> consumers(worker.queue) == 0);

    failAfterTheConnectionCloses(worker);

    // The reconnect backoff is half a second: a worker that came back would have said so, and
    // consumed again, by now. (getAll is this test's output only.)
    String reconnecting = worker.queue + " consumer lost, reconnecting";
    await().during(Duration.ofSeconds(3)).atMost(WAIT)
        .until(() -> !output.getAll().contains(reconnecting) && consumers(worker.queue) == 0);
    assertThat(worker.isRunning()).isFalse();
  }

  @Test
  void aRunningWorkerReconnectsAfterTheSameFailure(CapturedOutput output) throws Exception {
    HeldWorker worker = takeOverReminders();
    try {
      holdOneMessage(worker);
      failAfterTheConnectionCloses(worker);
      await().atMost(WAIT).until(() -> output.getAll().contains(worker.queue + " consumer lost, reconnecting")
          && consumers(worker.queue) == 1);
    } finally {
      worker.stop();
    }
  }

  /**
   * Stops the application's reminder worker, empties its queue (a message an earlier test's nack
   * failed to hand back is there again) and consumes it with one whose work waits.
   */
  private HeldWorker takeOverReminders() throws Exception {
    context.getBeansOfType(QueueWorker.class).values().stream()
        .filter(w -> w.queue.equals(settings.remindersQueue()))
        .forEach(QueueWorker::stop);
    await().atMost(WAIT).until(() -> consumers(settings.remindersQueue()) == 0);
    try (Connection c = admin().newConnection(); Channel channel = c.createChannel()) {
      channel.queuePurge(settings.remindersQueue());
    }
    HeldWorker worker = new HeldWorker(transport);
    worker.start();
    await().atMost(WAIT).until(() -> consumers(worker.queue) == 1);
    return worker;
  }

  private void holdOneMessage(HeldWorker worker) throws Exception {
    publish(worker.queue, "{}");
    assertThat(worker.inHand.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  /** The connection closes under the message in hand; then its work fails (its nack: channel closed). */
  private void failAfterTheConnectionCloses(HeldWorker worker) throws Exception {
    connections.connection().block(WAIT).close();
    // Poison (an IllegalArgumentException) is handed back at once, without the retries' backoff.
    worker.outcome.tryEmitError(new IllegalArgumentException("the work failed"));
  }

  private static long consumers(String queue) throws Exception {
    try (Connection c = admin().newConnection(); Channel channel = c.createChannel()) {
      return channel.consumerCount(queue);
    }
  }

  private static void publish(String queue, String body) throws Exception {
    try (Connection c = admin().newConnection(); Channel channel = c.createChannel()) {
      channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().type("test").build(),
          body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static ConnectionFactory admin() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(Isolation.RABBIT_HOST);
    factory.setPort(Isolation.RABBIT_PORT);
    return factory;
  }

  /** Holds its one message until the test decides how the work ends. */
  private static final class HeldWorker extends QueueWorker {

    final CountDownLatch inHand = new CountDownLatch(1);
    final Sinks.One<Void> outcome = Sinks.one();

    HeldWorker(WorkerTransport transport) {
      super(transport, WorkQueue.REMINDERS);
    }

    @Override
    protected Mono<Void> handle(String type, byte[] body) {
      inHand.countDown();
      return outcome.asMono();
    }
  }
}
