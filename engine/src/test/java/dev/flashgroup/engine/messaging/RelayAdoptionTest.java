package dev.flashgroup.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/** Entries read by a relay instance that died before the broker confirmed them are taken over. */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class RelayAdoptionTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.relay.adopt-after", () -> "PT0.3S");
    registry.add("flashgroup.relay.adopt-interval", () -> "PT0.1S");
    // Smaller than what is stranded below: the pending lists take several reads to empty.
    registry.add("flashgroup.relay.batch", () -> "5");
  }

  @Autowired EventRelay relay;
  @Autowired RelaySettings relaySettings;
  @Autowired StreamSettings streams;
  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired DatabaseClient db;

  @Test
  void entriesStrandedWithADeadRelayInstanceReachMysql() {
    Activity activity = schedule("Chestnuts");
    relay.stop();
    Set<String> accepted = buy(activity, "buyer-", 20);

    // Another instance reads every entry, then dies without publishing or acknowledging them.
    String stream = keys.of(activity.id()).events();
    List<?> stranded = redis.opsForStream()
        .read(Consumer.from(streams.consumerGroup(), "relay-that-died"), StreamReadOptions.empty().count(100),
            StreamOffset.create(stream, ReadOffset.lastConsumed()))
        .collectList().block(PATIENCE);
    assertThat(stranded).hasSize(20);

    relay.start();
    await().atMost(PATIENCE).until(() -> Set.copyOf(OrderRows.ids(db, activity)).equals(accepted));
    assertThat(redis.opsForStream().size(stream).block(PATIENCE)).isZero();
  }

  @Test
  void entriesThisInstanceReadBeforeItStoppedGoOutAfterItsRestartEvenOneDeletedMeanwhile() {
    Activity activity = schedule("Walnuts");
    // The relay has read this stream before (so it is no stranger to it when it comes back).
    Set<String> accepted = new HashSet<>(buy(activity, "early-buyer-", 1));
    await().atMost(PATIENCE).until(() -> OrderRows.ids(db, activity).size() == 1);
    relay.stop();
    accepted.addAll(buy(activity, "walnut-buyer-", 12));

    // This very instance read the entries (more than a batch) and stopped before publishing; then
    // one entry vanished from the stream: it comes back from the pending list without a body.
    String stream = keys.of(activity.id()).events();
    List<MapRecord<String, Object, Object>> read = redis.opsForStream()
        .read(Consumer.from(streams.consumerGroup(), relaySettings.consumerName()), StreamReadOptions.empty().count(100),
            StreamOffset.create(stream, ReadOffset.lastConsumed()))
        .collectList().block(PATIENCE);
    assertThat(read).hasSize(12);
    redis.opsForStream().delete(stream, read.get(0).getId()).block(PATIENCE);

    relay.start();
    await().atMost(PATIENCE).until(() -> OrderRows.ids(db, activity).size() == 12
        && redis.opsForStream().pending(stream, streams.consumerGroup()).block(PATIENCE).getTotalPendingMessages() == 0);
    assertThat(accepted).containsAll(OrderRows.ids(db, activity));
  }

  private Activity schedule(String title) {
    return scheduling.schedule("shop-1", new ActivityDraft(title, Mode.STANDARD, 2, 100L, 200L, 100, 1,
        Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5)))
        .block(PATIENCE);
  }

  private Set<String> buy(Activity activity, String buyerPrefix, int count) {
    return Flux.range(0, count)
        .flatMap(i -> reservations.buyAlone(activity.id(), buyerPrefix + i, null))
        .cast(ReservationOutcome.Reserved.class).map(ReservationOutcome.Reserved::orderId)
        .collect(Collectors.toSet()).block(PATIENCE);
  }
}
