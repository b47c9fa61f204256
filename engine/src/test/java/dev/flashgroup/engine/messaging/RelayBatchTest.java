package dev.flashgroup.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.StreamSettings;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.Isolation;
import dev.flashgroup.engine.support.OrderRows;
import dev.flashgroup.engine.support.TcpProxy;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The relay publishes a round's entries in one batch with one wait for the broker's confirms. An
 * entry the broker refuses (a negative confirm) or whose confirm is lost with the connection in the
 * middle of a batch stays in the stream and goes out again; the ones confirmed are acknowledged.
 */
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class RelayBatchTest {

  private static final Isolation services = new Isolation();
  private static final TcpProxy broker = TcpProxy.to(Isolation.RABBIT_HOST, Isolation.RABBIT_PORT);
  // Buyers' Redis calls start on one thread that may block: Lettuce briefly parks writers that meet
  // on its connection lock, which BlockHound refuses on event-loop threads.
  private static final Scheduler buyers = Schedulers.newBoundedElastic(1, Integer.MAX_VALUE, "buyers");
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int TIGHT_QUEUE_LENGTH = 5;

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) {
    services.register(registry);
    registry.add("flashgroup.messaging.port", broker::port);
    // Small batches, so a backlog takes many of them; refused entries are tried again five times a second.
    registry.add("flashgroup.relay.batch", () -> "20");
    registry.add("flashgroup.relay.interval", () -> "PT0.2S");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    broker.restore();
    buyers.dispose();
    services.removeAll();
  }

  @Autowired EventRelay relay;
  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired MessagingSettings messaging;
  @Autowired StreamSettings streams;
  @Autowired DatabaseClient db;

  @Test
  void entriesTheBrokerNacksStayInTheStreamUntilItTakesThem() throws Exception {
    Activity activity = schedule();
    String tight = services.messagingPrefix() + ".tight";
    try (Connection connection = rabbit(); Channel channel = connection.createChannel()) {
      awaitExchange(connection);
      // A second queue for every event that refuses what does not fit: the broker nacks those
      // messages (though the orders queue took them too).
      channel.queueDeclare(tight, false, false, false,
          Map.of("x-max-length", TIGHT_QUEUE_LENGTH, "x-overflow", "reject-publish"));
      channel.queueBind(tight, messaging.eventsExchange(), "#");

      Set<String> accepted = reserve(activity, "nacked", 30);
      String stream = keys.of(activity.id()).events();
      await().atMost(PATIENCE).during(Duration.ofSeconds(1))
          .until(() -> unrelayed(stream) == accepted.size() - TIGHT_QUEUE_LENGTH);
      assertThat(channel.queueDeclarePassive(tight).getMessageCount()).isEqualTo(TIGHT_QUEUE_LENGTH);

      channel.queueDelete(tight);
      await().atMost(PATIENCE).until(() -> unrelayed(stream) == 0 && pending(stream) == 0);
      await().atMost(PATIENCE).until(() -> Set.copyOf(OrderRows.ids(db, activity)).equals(accepted));
      assertThat(OrderRows.count(db, activity)).isEqualTo(accepted.size());
    }
  }

  @Test
  void aConnectionLostInTheMiddleOfTheBatchesLosesNothing() {
    Activity activity = schedule();
    String stream = keys.of(activity.id()).events();
    relay.stop();
    Set<String> accepted = reserve(activity, "backlog", 400);
    assertThat(unrelayed(stream)).isEqualTo(400);

    relay.start();
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(2)).until(() -> unrelayed(stream) < 400);
    broker.cut();
    long left = unrelayed(stream);
    broker.restore();

    await().atMost(PATIENCE).until(() -> unrelayed(stream) == 0 && pending(stream) == 0);
    await().atMost(PATIENCE).until(() -> OrderRows.count(db, activity) >= accepted.size());
    assertThat(left).as("entries still in the stream when the connection dropped").isLessThan(400);
    assertThat(Set.copyOf(OrderRows.ids(db, activity))).isEqualTo(accepted);
    assertThat(OrderRows.distinctIds(db, activity)).isEqualTo(OrderRows.count(db, activity));
  }

  private Activity schedule() {
    return scheduling.schedule("shop-1", new ActivityDraft("Black tea", Mode.STANDARD, 2, 100L, 200L, 1_000, 1,
        Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5)))
        .block(PATIENCE);
  }

  private Set<String> reserve(Activity activity, String wave, int count) {
    return Flux.range(0, count)
        .flatMap(i -> reservations.buyAlone(activity.id(), wave + "-" + i, null).subscribeOn(buyers), 64)
        .cast(ReservationOutcome.Reserved.class).map(ReservationOutcome.Reserved::orderId)
        .collect(Collectors.toSet()).block(PATIENCE);
  }

  private long unrelayed(String stream) {
    return redis.opsForStream().size(stream).block(PATIENCE);
  }

  private long pending(String stream) {
    return redis.opsForStream().pending(stream, streams.consumerGroup())
        .map(summary -> summary.getTotalPendingMessages()).block(PATIENCE);
  }

  /** Declared by the relay and the workers as they start. */
  private void awaitExchange(Connection connection) {
    await().atMost(PATIENCE).ignoreExceptions().until(() -> {
      // A passive declaration of a missing exchange closes the channel it ran on.
      try (Channel probe = connection.createChannel()) {
        probe.exchangeDeclarePassive(messaging.eventsExchange());
        return true;
      }
    });
  }

  private Connection rabbit() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(Isolation.RABBIT_HOST);
    factory.setPort(Isolation.RABBIT_PORT);
    return factory.newConnection();
  }
}
