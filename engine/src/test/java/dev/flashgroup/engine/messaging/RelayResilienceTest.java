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
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.OrderRows;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Flux;

/** The relay keeps events it could not deliver, and keeps going when one activity is broken. */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class RelayResilienceTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired MessagingSettings messaging;
  @Autowired StreamSettings streams;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired DatabaseClient db;

  @Test
  void eventsNoQueueTookStayInTheStreamUntilTheTopologyIsBack() throws Exception {
    Activity activity = schedule();
    Set<String> accepted = reserve(activity, "before", 1);
    await().atMost(PATIENCE).until(() -> OrderRows.count(db, activity) == 1);

    // Someone removes the worker queue's binding: events published now are routed nowhere.
    try (Connection connection = rabbit(); Channel channel = connection.createChannel()) {
      channel.queueUnbind(messaging.ordersQueue(), messaging.eventsExchange(), "#");
    }
    accepted.addAll(reserve(activity, "unbound", 10));

    await().atMost(PATIENCE).until(() -> Set.copyOf(OrderRows.ids(db, activity)).equals(accepted));
  }

  @Test
  void brokenActivityDoesNotHoldUpTheOthers() {
    List<Activity> broken = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Activity activity = schedule();
      // Its stream lost the relay's consumer group: every read of it fails.
      redis.opsForStream().destroyGroup(keys.of(activity.id()).events(), streams.consumerGroup()).block(PATIENCE);
      broken.add(activity);
    }
    Activity healthy = schedule();
    broken.forEach(activity -> reserve(activity, "broken", 1));
    Set<String> accepted = reserve(healthy, "healthy", 10);

    await().atMost(PATIENCE).until(() -> Set.copyOf(OrderRows.ids(db, healthy)).equals(accepted));
  }

  private Activity schedule() {
    return scheduling.schedule("shop-1", new ActivityDraft("Tea", Mode.STANDARD, 2, 100L, 200L, 100, 1,
        Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5)))
        .block(PATIENCE);
  }

  private Set<String> reserve(Activity activity, String wave, int count) {
    return Flux.range(0, count)
        .flatMap(i -> reservations.buyAlone(activity.id(), wave + "-" + i, null))
        .cast(ReservationOutcome.Reserved.class).map(ReservationOutcome.Reserved::orderId)
        .collect(Collectors.toSet()).block(PATIENCE);
  }

  private Connection rabbit() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(messaging.host());
    factory.setPort(messaging.port());
    return factory.newConnection();
  }
}
