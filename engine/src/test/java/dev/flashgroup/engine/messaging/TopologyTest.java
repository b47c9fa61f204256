package dev.flashgroup.engine.messaging;

import dev.flashgroup.engine.support.Isolation;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.rabbitmq.Sender;
import reactor.test.StepVerifier;

/**
 * The relay declares the topology from a Redis event loop while the workers declare it from their
 * own threads. Declarations share one channel and wait for each other, so they must never wait on
 * the caller's non-blocking thread (BlockHound fails this test if they do).
 */
class TopologyTest {

  private static final Isolation services = new Isolation();
  private static RabbitConnections connections;
  private static Sender sender;
  private static MessagingSettings settings;

  @BeforeAll
  static void connect() {
    settings = new MessagingSettings(Isolation.RABBIT_HOST, Isolation.RABBIT_PORT, "guest", "guest", "/",
        services.messagingPrefix(), 5, 256, 8, 8, false,
        new MessagingSettings.Batch(100, Duration.ofMillis(10), 2));
    connections = new RabbitConnections(settings);
    sender = new RabbitClients().rabbitSender(connections);
  }

  @AfterAll
  static void cleanUp() throws Exception {
    sender.close();
    connections.close();
    services.removeAll();
  }

  @RepeatedTest(5)
  void concurrentDeclarationsFromNonBlockingThreadsComplete() {
    Topology topology = new Topology(settings);
    Flux<Void> declarations = Flux.range(0, 8)
        .flatMap(i -> Mono.delay(Duration.ZERO, Schedulers.parallel()).then(topology.declare(sender)));
    StepVerifier.create(declarations).expectComplete().verify(Duration.ofSeconds(10));
  }
}
