package dev.flashgroup.engine.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.OwnRedis;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * With {@code flashgroup.redis.min-replicas=1}, on a primary and a replica of the test's own: a
 * reservation is confirmed once the replica has it; with the replica stopped it answers
 * UNAVAILABLE (made on the primary, not confirmed), and once a replica is back the retry with the
 * same Idempotency-Key returns the same order, the unit taken once.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class ReplicaWaitTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final OwnRedis PRIMARY = OwnRedis.start();
  private static OwnRedis replica = replicaOf(PRIMARY);

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("spring.data.redis.port", PRIMARY::port);
    registry.add("flashgroup.redis.min-replicas", () -> "1");
    registry.add("flashgroup.redis.replica-wait.timeout", () -> "PT0.3S");
    registry.add("flashgroup.redis.replica-wait.connections", () -> "2");
  }

  @AfterAll
  static void stopRedis() {
    replica.close();
    PRIMARY.close();
  }

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  @Test
  void aReservationTheReplicaMissedAnswersUnavailableAndItsRetryReturnsTheSameOrder() {
    awaitReplicas(1);
    Instant now = Instant.now();
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Persimmons", Mode.STANDARD, 2, 100L, 200L, 5,
        2, now.minusSeconds(1), now.plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5))).block(PATIENCE);
    var k = keys.of(activity.id());

    // Replicated in time: confirmed; concurrent buyers share the few connections and all get through.
    List<ReservationOutcome> confirmed = Flux.range(0, 3)
        .flatMap(i -> reservations.buyAlone(activity.id(), "buyer-" + i, "key-" + i)).collectList().block(PATIENCE);
    assertThat(confirmed).allMatch(Reserved.class::isInstance);

    replica.close();
    awaitReplicas(0);
    ReservationOutcome waited = reservations.buyAlone(activity.id(), "bob", "bob-1").block(PATIENCE);
    assertThat(waited).isInstanceOf(ReservationOutcome.Unavailable.class);
    assertThat(((ReservationOutcome.Unavailable) waited).why()).contains("same Idempotency-Key");
    assertThat(field(k.activity(), "stock")).isEqualTo("1");

    replica = replicaOf(PRIMARY);
    awaitReplicas(1);
    // Retried as a client would, after Retry-After, until the replica's acknowledgement is in time
    // (a loaded machine may need more than one try); no try reserves again.
    AtomicReference<ReservationOutcome> retried = new AtomicReference<>();
    await().atMost(PATIENCE).until(() -> {
      retried.set(reservations.buyAlone(activity.id(), "bob", "bob-1").block(PATIENCE));
      return retried.get() instanceof Reserved;
    });
    Reserved order = (Reserved) retried.get();
    assertThat(field(k.order(order.orderId()), "buyer")).isEqualTo("bob");
    assertThat(reservations.buyAlone(activity.id(), "bob", "bob-1").block(PATIENCE)).isEqualTo(order);
    assertThat(field(k.activity(), "stock")).isEqualTo("1");
    assertThat(field(k.quota(), "bob")).isEqualTo("1");
    assertThat(field(k.activity(), "seq")).isEqualTo("4");
  }

  @Test
  void aBatchWhoseWaitFallsShortAnswersEveryMemberUnavailableAndTheirRetriesReturnTheSameOrders() {
    awaitReplicas(1);
    Instant now = Instant.now();
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Quinces", Mode.STANDARD, 2, 100L, 200L, 20,
        1, now.minusSeconds(1), now.plusSeconds(3600), Duration.ofMinutes(5), Duration.ofMinutes(5))).block(PATIENCE);
    var k = keys.of(activity.id());
    int buyers = 12;

    replica.close();
    awaitReplicas(0);
    long waitsBefore = waitCalls();
    List<ReservationOutcome> waited = Flux.range(0, buyers)
        .flatMap(i -> reservations.buyAlone(activity.id(), "batch-" + i, "batch-key-" + i)).collectList()
        .block(PATIENCE);
    assertThat(waited).hasSize(buyers).allMatch(ReservationOutcome.Unavailable.class::isInstance);
    // Group commit: on each of the 2 connections the first script to answer gets a WAIT of its own,
    // the ones answered while it blocks share the next; 12 reservations, at most 4 WAITs, all short.
    assertThat(waitCalls() - waitsBefore).isBetween(2L, 4L);
    assertThat(field(k.activity(), "stock")).isEqualTo(Integer.toString(20 - buyers));

    replica = replicaOf(PRIMARY);
    awaitReplicas(1);
    AtomicReference<List<ReservationOutcome>> retried = new AtomicReference<>();
    await().atMost(PATIENCE).until(() -> {
      retried.set(Flux.range(0, buyers)
          .flatMapSequential(i -> reservations.buyAlone(activity.id(), "batch-" + i, "batch-key-" + i)).collectList()
          .block(PATIENCE));
      return retried.get().stream().allMatch(Reserved.class::isInstance);
    });
    for (int i = 0; i < buyers; i++) {
      assertThat(field(k.order(((Reserved) retried.get().get(i)).orderId()), "buyer")).isEqualTo("batch-" + i);
    }
    assertThat(retried.get().stream().map(o -> ((Reserved) o).orderId()).distinct()).hasSize(buyers);
    assertThat(field(k.activity(), "stock")).isEqualTo(Integer.toString(20 - buyers));
    assertThat(field(k.activity(), "seq")).isEqualTo(Integer.toString(buyers));
  }

  /** How many WAITs the test's primary has run. */
  private long waitCalls() {
    Map<Object, Object> stats = redis.execute(c -> c.serverCommands().info("commandstats")).next().block(PATIENCE);
    Object wait = stats.get("cmdstat_wait");
    return wait == null ? 0 : Long.parseLong(wait.toString().replaceAll("^calls=(\\d+),.*$", "$1").trim());
  }

  private static OwnRedis replicaOf(OwnRedis primary) {
    return OwnRedis.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
  }

  /** Until the primary counts {@code n} replicas online and caught up. */
  private void awaitReplicas(int n) {
    await().atMost(PATIENCE).until(() -> {
      Map<Object, Object> info = redis.execute(c -> c.serverCommands().info("replication")).next().block(PATIENCE);
      long online = info.entrySet().stream()
          .filter(e -> e.getKey().toString().matches("slave\\d+") && e.getValue().toString().contains("state=online"))
          .count();
      // Caught up: each replica has acknowledged everything the primary had when INFO answered (a
      // replica that just synced may still be loading, and a short WAIT would then miss it).
      String offset = "offset=" + info.get("master_repl_offset").toString().trim() + ",";
      long caughtUp = info.entrySet().stream()
          .filter(e -> e.getKey().toString().matches("slave\\d+") && e.getValue().toString().contains(offset))
          .count();
      return online == n && caughtUp == n && Integer.parseInt(info.get("connected_slaves").toString().trim()) == n;
    });
  }

  private String field(String key, String field) {
    return redis.<String, String>opsForHash().get(key, field).block(PATIENCE);
  }
}
