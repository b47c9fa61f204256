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
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.Isolation;
import dev.flashgroup.engine.support.OrderRows;
import dev.flashgroup.engine.support.TcpProxy;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
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
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Invariant 3 of DESIGN.md across a broker outage: RabbitMQ becomes unreachable (a proxy in front
 * of the shared broker drops every connection and refuses new ones), buyers keep reserving, and
 * once the broker is back every acknowledged reservation becomes exactly one order row. The relay
 * publishes a round's entries in one batch with one wait for the confirms: an entry the broker
 * nacks, or whose confirm is lost with the connection in the middle of the batches, stays in the
 * stream and goes out again; the confirmed ones are acknowledged.
 */
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class BrokerOutageTest {

  private static final Isolation services = new Isolation();
  private static final TcpProxy broker = TcpProxy.to(Isolation.RABBIT_HOST, Isolation.RABBIT_PORT);
  // Buyers' Redis calls start on one thread that may block: Lettuce briefly parks writers that meet
  // on its connection lock, which BlockHound refuses on event-loop threads.
  private static final Scheduler buyers = Schedulers.newBoundedElastic(1, Integer.MAX_VALUE, "buyers");
  private static final Duration CATCH_UP = Duration.ofSeconds(60);
  private static final Duration CALL = Duration.ofSeconds(30);
  private static final int GROUP_SIZE = 2;
  private static final int GROUPS_PER_WAVE = 30;
  private static final int SOLOS_PER_WAVE = 40;
  private static final int WAVE = 2 * GROUPS_PER_WAVE + SOLOS_PER_WAVE;
  private static final int TIGHT_QUEUE_LENGTH = 5;

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) {
    services.register(registry);
    // Added after Isolation's port, so it wins: the application reaches RabbitMQ only through the proxy.
    registry.add("flashgroup.messaging.port", broker::port);
    registry.add("flashgroup.relay.confirm-timeout", () -> "PT3S");
    // Small batches, so a backlog takes many of them; refused entries go out again five times a second.
    registry.add("flashgroup.relay.batch", () -> "20");
    registry.add("flashgroup.relay.interval", () -> "PT0.2S");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    // Even after a failure, give the broker back so the context closes its connection instead of
    // leaving a recovery loop running in the test JVM.
    broker.restore();
    buyers.dispose();
    services.removeAll();
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired MessagingSettings messaging;
  @Autowired StreamSettings streams;
  @Autowired DatabaseClient db;
  @Autowired EventRelay relay;

  @Test
  void reservationsAcceptedWhileTheBrokerIsUnreachableReachMysqlExactlyOnceWhenItIsBack() {
    assertThat(messaging.port()).as("the application's broker port is the proxy's").isEqualTo(broker.port());
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Yangshan peaches", Mode.STANDARD,
            GROUP_SIZE, 1990L, 2990L, 400, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600),
            Duration.ofHours(1), Duration.ofHours(1)))
        .block(CALL);

    List<Accepted> accepted = new ArrayList<>(reserveWave(activity, "before"));
    assertThat(accepted).hasSize(WAVE);
    await().atMost(CATCH_UP).until(() -> OrderRows.ids(db, activity).size() == WAVE);
    await().atMost(CATCH_UP).until(() -> unrelayed(activity) == 0);
    assertThat(broker.accepted()).as("connections that went through the proxy").isPositive();

    broker.cut();
    List<Accepted> duringOutage = reserveWave(activity, "during");
    assertThat(duringOutage).as("reservations accepted while RabbitMQ is unreachable").hasSize(WAVE);
    accepted.addAll(duringOutage);
    // The events wait in the activity's stream; nothing can reach MySQL without the broker.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> unrelayed(activity) == WAVE && OrderRows.count(db, activity) == WAVE);

    broker.restore();
    await().atMost(CATCH_UP).until(() -> OrderRows.ids(db, activity).size() == 2 * WAVE);
    await().atMost(CATCH_UP).until(() -> unrelayed(activity) == 0 && pendingInRelayGroup(activity) == 0);

    Map<String, Accepted> byOrder = accepted.stream()
        .collect(Collectors.toMap(a -> a.reserved().orderId(), Function.identity()));
    assertThat(byOrder).as("distinct order ids handed out").hasSize(2 * WAVE);
    assertThat(Set.copyOf(OrderRows.ids(db, activity))).isEqualTo(byOrder.keySet());
    assertThat(OrderRows.distinctIds(db, activity)).isEqualTo(OrderRows.count(db, activity));
    assertThat(orderRows(activity)).containsExactlyInAnyOrderElementsOf(
        accepted.stream().map(Accepted::expectedRow).toList());
    assertThat(groupMembers(activity)).isEqualTo(expectedGroupMembers(accepted));
  }

  @Test
  void entriesTheBrokerNacksStayInTheStreamUntilItTakesThem() throws Exception {
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Black tea", Mode.STANDARD, 2, 100L, 200L,
            100, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofMinutes(5),
            Duration.ofMinutes(5)))
        .block(CALL);
    String tight = services.messagingPrefix() + ".tight";
    try (Connection connection = rabbit(); Channel channel = connection.createChannel()) {
      awaitExchange(connection);
      // A second queue for every event, refusing what does not fit: the broker nacks those
      // messages (though the orders queue took them too).
      channel.queueDeclare(tight, false, false, false,
          Map.of("x-max-length", TIGHT_QUEUE_LENGTH, "x-overflow", "reject-publish"));
      channel.queueBind(tight, messaging.eventsExchange(), "#");

      Set<String> accepted = Flux.range(0, 30)
          .flatMap(i -> accept("nacked-" + i, reservations.buyAlone(activity.id(), "nacked-" + i, null)))
          .map(a -> a.reserved().orderId()).collect(Collectors.toSet()).block(CALL);
      await().atMost(CATCH_UP).during(Duration.ofSeconds(1))
          .until(() -> unrelayed(activity) == accepted.size() - TIGHT_QUEUE_LENGTH);
      assertThat(channel.queueDeclarePassive(tight).getMessageCount()).isEqualTo(TIGHT_QUEUE_LENGTH);

      channel.queueDelete(tight);
      await().atMost(CATCH_UP).until(() -> unrelayed(activity) == 0 && pendingInRelayGroup(activity) == 0);
      await().atMost(CATCH_UP).until(() -> Set.copyOf(OrderRows.ids(db, activity)).equals(accepted));
      assertThat(OrderRows.count(db, activity)).isEqualTo(accepted.size());
    }
  }

  @Test
  void aConnectionLostInTheMiddleOfTheRelaysBatchesLosesNothing() {
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Oolong", Mode.STANDARD, GROUP_SIZE, 100L,
            200L, 4 * WAVE, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofHours(1)))
        .block(CALL);
    relay.stop();
    List<Accepted> accepted = new ArrayList<>();
    for (String wave : List.of("first", "second", "third", "fourth")) {
      accepted.addAll(reserveWave(activity, wave));
    }
    long backlog = unrelayed(activity);
    assertThat(backlog).isGreaterThanOrEqualTo(4 * WAVE);

    relay.start();
    await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(2)).until(() -> unrelayed(activity) < backlog);
    broker.cut();
    long left = unrelayed(activity);
    broker.restore();

    await().atMost(CATCH_UP).until(() -> unrelayed(activity) == 0 && pendingInRelayGroup(activity) == 0);
    await().atMost(CATCH_UP).until(() -> OrderRows.count(db, activity) >= accepted.size());
    assertThat(left).as("entries still in the stream when the connection dropped").isLessThan(backlog);
    assertThat(OrderRows.count(db, activity)).isEqualTo(accepted.size());
    assertThat(Set.copyOf(OrderRows.ids(db, activity)))
        .isEqualTo(accepted.stream().map(a -> a.reserved().orderId()).collect(Collectors.toSet()));
    assertThat(orderRows(activity)).containsExactlyInAnyOrderElementsOf(
        accepted.stream().map(Accepted::expectedRow).toList());
  }

  /** Declared by the relay and the workers as they start. */
  private void awaitExchange(Connection connection) {
    await().atMost(CATCH_UP).ignoreExceptions().until(() -> {
      // A passive declaration of a missing exchange closes the channel it ran on.
      try (Channel probe = connection.createChannel()) {
        probe.exchangeDeclarePassive(messaging.eventsExchange());
        return true;
      }
    });
  }

  private static Connection rabbit() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(Isolation.RABBIT_HOST);
    factory.setPort(Isolation.RABBIT_PORT);
    return factory.newConnection();
  }

  /**
   * A broker that stops answering while the relay has entries in flight (read from the stream,
   * sent or being sent, never confirmed), and then drops the connection: once it is back every
   * entry is published again and becomes exactly one row. (The relay's confirm timeout, for
   * confirms a recovered channel will never deliver, is exercised by scripts/drill's case 1.)
   */
  @Test
  void entriesInFlightWhenTheBrokerStallsAndDropsTheConnectionArePublishedAgain() {
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Renhua tea", Mode.STANDARD,
            GROUP_SIZE, 1990L, 2990L, 400, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600),
            Duration.ofHours(1), Duration.ofHours(1)))
        .block(CALL);
    List<Accepted> accepted = new ArrayList<>(reserveWave(activity, "steady"));
    await().atMost(CATCH_UP).until(() -> OrderRows.ids(db, activity).size() == WAVE);

    broker.stall();
    try {
      accepted.addAll(reserveWave(activity, "stalled"));
      // The relay read entries and sent them into the stalled connection: pending, unconfirmed.
      await().atMost(CATCH_UP).until(() -> pendingInRelayGroup(activity) > 0);
    } finally {
      broker.cut();
      broker.restore();
    }

    await().atMost(CATCH_UP).until(() -> OrderRows.ids(db, activity).size() == 2 * WAVE);
    await().atMost(CATCH_UP).until(() -> unrelayed(activity) == 0 && pendingInRelayGroup(activity) == 0);
    assertThat(Set.copyOf(OrderRows.ids(db, activity)))
        .isEqualTo(accepted.stream().map(a -> a.reserved().orderId()).collect(Collectors.toSet()));
    assertThat(OrderRows.distinctIds(db, activity)).isEqualTo(OrderRows.count(db, activity));
  }

  /** 30 groups opened and filled by a second buyer, and 40 solo buyers; every one must be accepted. */
  private List<Accepted> reserveWave(Activity activity, String wave) {
    List<Accepted> leaders = Flux.range(0, GROUPS_PER_WAVE)
        .map(i -> wave + "-leader-" + i)
        .flatMap(buyer -> accept(buyer, reservations.openGroup(activity.id(), buyer, null)))
        .collectList().block(CALL);
    Flux<Accepted> joiners = Flux.fromIterable(leaders)
        .index()
        .flatMap(leader -> {
          String buyer = wave + "-joiner-" + leader.getT1();
          return accept(buyer, reservations.joinGroup(leader.getT2().reserved().groupId(), buyer, null));
        });
    Flux<Accepted> solos = Flux.range(0, SOLOS_PER_WAVE)
        .map(i -> wave + "-solo-" + i)
        .flatMap(buyer -> accept(buyer, reservations.buyAlone(activity.id(), buyer, null)));
    List<Accepted> all = new ArrayList<>(leaders);
    all.addAll(Flux.merge(joiners, solos).collectList().block(CALL));
    return all;
  }

  private static Mono<Accepted> accept(String buyer, Mono<ReservationOutcome> outcome) {
    return outcome.subscribeOn(buyers).map(o -> {
      if (o instanceof Reserved reserved) {
        return new Accepted(buyer, reserved);
      }
      throw new AssertionError(buyer + " was not served: " + o);
    });
  }

  private long unrelayed(Activity activity) {
    return redis.opsForStream().size(keys.of(activity.id()).events()).block(CALL);
  }

  private long pendingInRelayGroup(Activity activity) {
    return redis.opsForStream().pending(keys.of(activity.id()).events(), streams.consumerGroup())
        .map(summary -> summary.getTotalPendingMessages()).block(CALL);
  }

  private List<OrderRow> orderRows(Activity activity) {
    return db.sql("SELECT id, group_id, buyer_id, status, amount FROM orders WHERE activity_id = :a")
        .bind("a", activity.id().value())
        .map(r -> new OrderRow(r.get("id", String.class), r.get("group_id", String.class),
            r.get("buyer_id", String.class), r.get("status", String.class), r.get("amount", Long.class)))
        .all().collectList().block(CALL);
  }

  private Map<String, Integer> groupMembers(Activity activity) {
    return db.sql("SELECT id, members FROM purchase_groups WHERE activity_id = :a")
        .bind("a", activity.id().value())
        .map(r -> Map.entry(r.get("id", String.class), r.get("members", Integer.class)))
        .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(CALL);
  }

  private static Map<String, Integer> expectedGroupMembers(List<Accepted> accepted) {
    return accepted.stream().filter(a -> a.reserved().groupId() != null)
        .collect(Collectors.groupingBy(a -> a.reserved().groupId(), Collectors.summingInt(a -> 1)));
  }

  private record Accepted(String buyer, Reserved reserved) {

    OrderRow expectedRow() {
      return new OrderRow(reserved.orderId(), reserved.groupId(), buyer, "RESERVED", reserved.amount());
    }
  }

  private record OrderRow(String id, String groupId, String buyer, String status, long amount) {}
}
