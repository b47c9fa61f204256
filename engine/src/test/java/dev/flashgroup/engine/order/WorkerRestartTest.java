package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.OrderRows;
import dev.flashgroup.engine.support.Rush;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Invariant 3 of DESIGN.md when the order worker dies in the middle of the stream: the deliveries
 * it held but had not acknowledged go back to the queue, and once it runs again every acknowledged
 * reservation is exactly one order row, none missing and none twice.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class WorkerRestartTest {

  private static final Logger log = LoggerFactory.getLogger(WorkerRestartTest.class);
  // Buyers' Redis calls start on one thread that may block: Lettuce briefly parks writers that meet
  // on its connection lock, which BlockHound refuses on event-loop threads.
  private static final Scheduler buyers = Schedulers.newBoundedElastic(1, Integer.MAX_VALUE, "buyers");
  private static final Duration CALL = Duration.ofSeconds(30);
  private static final Duration CATCH_UP = Duration.ofSeconds(60);
  private static final int RUSH = 1_500;
  private static final int WHILE_STOPPED = 200;

  @AfterAll
  static void cleanUp() throws Exception {
    buyers.dispose();
  }

  @Autowired OrderProjector projector;
  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired DatabaseClient db;

  @Test
  void projectorStoppedMidStreamLosesAndDuplicatesNothing() {
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Wuchang rice", Mode.STANDARD, 2, 1990L,
            2990L, 2_000, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofHours(1)))
        .block(CALL);
    assertThat(projector.isRunning()).isTrue();

    Set<String> accepted = new HashSet<>(Rush.reserve(reservations, activity, "rush", RUSH, buyers));
    assertThat(accepted).hasSize(RUSH);
    await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(5)).until(() -> OrderRows.count(db, activity) > 0);

    projector.stop();
    long atStop = OrderRows.count(db, activity);
    assertThat(projector.isRunning()).isFalse();
    // Transactions already committing may still land; after that MySQL must stand still.
    long settled = quiet(activity);
    log.info("projector stopped with {} of {} orders in MySQL ({} once in-flight writes settled)", atStop, RUSH,
        settled);

    accepted.addAll(Rush.reserve(reservations, activity, "stopped", WHILE_STOPPED, buyers));
    assertThat(accepted).hasSize(RUSH + WHILE_STOPPED);
    // The projector is the only writer of orders: stopped means stopped.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> OrderRows.count(db, activity) == settled);

    projector.start();
    assertThat(projector.isRunning()).isTrue();
    await().atMost(CATCH_UP).until(() -> OrderRows.count(db, activity) >= RUSH + WHILE_STOPPED);

    assertThat(OrderRows.count(db, activity)).isEqualTo(RUSH + WHILE_STOPPED);
    assertThat(OrderRows.distinctIds(db, activity)).isEqualTo(RUSH + WHILE_STOPPED);
    assertThat(Set.copyOf(OrderRows.ids(db, activity))).isEqualTo(accepted);
  }


  /** Waits until two reads half a second apart agree, and returns that count. */
  private long quiet(Activity activity) {
    AtomicLong last = new AtomicLong(-1);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
        .until(() -> last.getAndSet(OrderRows.count(db, activity)) == last.get());
    return last.get();
  }
}
