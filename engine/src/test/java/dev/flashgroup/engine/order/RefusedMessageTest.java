package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.messaging.MessagingSettings;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The order projector writes many events per transaction: a message MySQL refuses must not take
 * the rest of its batch down with it, and must land where it would have landed alone. (That a
 * batch ends where one by one ends: {@code ProjectionOrderTest}.)
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class RefusedMessageTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) {
    // Events reach the worker queue only as the tests publish them.
    registry.add("flashgroup.relay.enabled", () -> "false");
    // A write MySQL refuses is retried once per delivery and dead-lettered after its third.
    registry.add("flashgroup.messaging.retries", () -> "1");
    registry.add("flashgroup.messaging.delivery-limit", () -> "2");
  }

  @Autowired OrderProjector projector;
  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired MessagingSettings messaging;
  @Autowired DatabaseClient db;
  @Autowired MeterRegistry meters;

  @Test
  void aMessageMysqlRefusesIsDeadLetteredAloneAndTheRestOfItsBatchIsWrittenOnce() throws Exception {
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Yellow wine", Mode.STANDARD, 2, 990L,
            1990L, 100, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofHours(1)))
        .block(PATIENCE);
    List<String> buyers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      buyers.add("wine-" + i);
      reserved(reservations.buyAlone(activity.id(), "wine-" + i, null).block(PATIENCE));
    }
    List<MapRecord<String, Object, Object>> events = events(activity);
    assertThat(events).hasSize(20);
    // The first reservation again, for a buyer id longer than MySQL's column: the whole batch's
    // statement fails, and only this message may stay out.
    String refused = String.valueOf(events.get(0).getValue().get("data"))
        .replaceFirst("\"buyerId\":\"[^\"]*\"", "\"buyerId\":\"" + "x".repeat(100) + "\"");
    assertThat(refused).contains("x".repeat(100));
    double fallbacksBefore = fallbacks();

    // Stopped while the messages are queued, so they arrive together, in one batch.
    projector.stop();
    try (Connection connection = rabbit(); Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      for (int i = 0; i < events.size(); i++) {
        publish(channel, "ReservationMade", String.valueOf(events.get(i).getValue().get("data")));
        if (i == 9) {
          publish(channel, "ReservationMade", refused);
        }
      }
      projector.start();

      await().atMost(PATIENCE).until(() -> channel.queueDeclarePassive(messaging.deadLetterQueue()).getMessageCount() == 1
          && channel.queueDeclarePassive(messaging.ordersQueue()).getMessageCount() == 0);
      assertThat(channel.queueDeclarePassive(messaging.deadLetterQueue()).getMessageCount()).isEqualTo(1);
    }
    assertThat(fallbacks()).isGreaterThan(fallbacksBefore);
    Map<String, String> rows = new TreeMap<>(db.sql("SELECT id, buyer_id FROM orders WHERE activity_id = :a")
        .bind("a", activity.id().value())
        .map(r -> Map.entry(r.get("id", String.class), r.get("buyer_id", String.class))).all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(PATIENCE));
    assertThat(rows).hasSize(20);
    assertThat(rows.values()).containsExactlyInAnyOrderElementsOf(buyers);
  }

  private double fallbacks() {
    return meters.get("flashgroup.worker.batch.fallbacks").tag("queue", messaging.ordersQueue()).counter().count();
  }

  private void publish(Channel channel, String type, String data) throws Exception {
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
        .type(type).contentType("application/json").deliveryMode(2).build();
    // Straight into the worker's queue, so no other worker acts on it.
    channel.basicPublish("", messaging.ordersQueue(), props, data.getBytes(StandardCharsets.UTF_8));
    channel.waitForConfirmsOrDie(5_000);
  }

  private Connection rabbit() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(messaging.host());
    factory.setPort(messaging.port());
    return factory.newConnection();
  }

  private List<MapRecord<String, Object, Object>> events(Activity activity) {
    return redis.opsForStream().range(keys.of(activity.id()).events(), Range.unbounded()).collectList()
        .block(PATIENCE);
  }

  private static Reserved reserved(Object outcome) {
    assertThat(outcome).isInstanceOf(Reserved.class);
    return (Reserved) outcome;
  }
}
