package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.messaging.MessagingSettings;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.Isolation;
import dev.flashgroup.engine.support.OrderRows;
import dev.flashgroup.engine.support.Rush;
import dev.flashgroup.engine.support.TcpProxy;
import dev.flashgroup.engine.support.TestEngineApplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Invariant 3 of DESIGN.md when MySQL goes away while the order projector is writing batches: the
 * connections under its transactions drop (a proxy in front of the shared MariaDB closes them and
 * refuses new ones), the batches in flight fail before or at their commit, and once MySQL is back
 * every acknowledged reservation is exactly one order row, none missing and none twice.
 */
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class MysqlOutageTest {

  private static final Isolation services = new Isolation();
  private static final TcpProxy mysql = TcpProxy.to(Isolation.DB_HOST, Integer.parseInt(Isolation.DB_PORT));
  // Buyers' Redis calls start on one thread that may block: Lettuce briefly parks writers that meet
  // on its connection lock, which BlockHound refuses on event-loop threads.
  private static final Scheduler buyers = Schedulers.newBoundedElastic(1, Integer.MAX_VALUE, "buyers");
  private static final Duration CALL = Duration.ofSeconds(30);
  private static final Duration CATCH_UP = Duration.ofSeconds(90);
  private static final int BACKLOG = 2_000;

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) {
    services.register(registry);
    // Added after Isolation's URL, so it wins: the application reaches MySQL (R2DBC) only through
    // the proxy; Flyway migrates directly before anything is cut.
    registry.add("spring.r2dbc.url", () -> "r2dbc:mysql://" + Isolation.DB_HOST + ":" + mysql.port() + "/"
        + services.database() + "?serverZoneId=UTC&queryCacheSize=256");
    // Small batches, so many are in flight and in hand when MySQL goes.
    registry.add("flashgroup.messaging.batch.size", () -> "50");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    mysql.restore();
    buyers.dispose();
    services.removeAll();
  }

  @Autowired OrderProjector projector;
  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired DatabaseClient db;
  @Autowired MeterRegistry meters;
  @Autowired MessagingSettings messaging;

  @Test
  void batchesCutOffByAMysqlOutageAreWrittenExactlyOnceWhenItIsBack() {
    Activity activity = scheduling.schedule("shop-1", new ActivityDraft("Nanxiong rice", Mode.STANDARD, 2, 1990L,
            2990L, 2 * BACKLOG, 1, Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1),
            Duration.ofHours(1)))
        .block(CALL);
    // A backlog in the queue, so the projector is writing batch after batch when MySQL goes.
    projector.stop();
    List<String> accepted = Rush.reserve(reservations, activity, "rice", BACKLOG, buyers);
    assertThat(Set.copyOf(accepted)).hasSize(BACKLOG);
    projector.start();
    await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(5)).until(() -> OrderRows.count(db, activity) > 0);

    double failedWrites = failedWrites();
    mysql.cut();
    // The writes in hand fail: a batch's (then taken one by one, each retried with backoff), or, when
    // the projector was already writing a batch one by one at the cut (a lock conflict that would
    // not clear), a message's once its retries ran out.
    await().atMost(CATCH_UP).until(() -> failedWrites() > failedWrites);
    mysql.restore();

    // The test reads through the application's pool too: a connection from before the cut fails once.
    await().atMost(CATCH_UP).ignoreExceptions().until(() -> OrderRows.count(db, activity) >= BACKLOG);
    assertThat(OrderRows.count(db, activity)).isEqualTo(BACKLOG);
    assertThat(OrderRows.distinctIds(db, activity)).isEqualTo(BACKLOG);
    assertThat(Set.copyOf(OrderRows.ids(db, activity))).isEqualTo(Set.copyOf(accepted));
  }

  /** Batches that fell back to one by one, and messages handed back after their retries. */
  private double failedWrites() {
    return meters.get("flashgroup.worker.batch.fallbacks").tag("queue", messaging.ordersQueue()).counter().count()
        + meters.get("flashgroup.worker.failures").tag("queue", messaging.ordersQueue()).counter().count();
  }
}
