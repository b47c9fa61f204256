package dev.flashgroup.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.Isolation;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@link LockConflict} against the real database: a deadlock between two transactions is a lock
 * conflict (worth running again whole), a duplicate key is not.
 */
class LockConflictTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String DATABASE = "fg_lock_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static final ConnectionFactory server = ConnectionFactories.get("r2dbc:mysql://" + Isolation.DB_USER + ":"
      + Isolation.DB_PASSWORD + "@" + Isolation.DB_HOST + ":" + Isolation.DB_PORT + "/");
  private static ConnectionFactory database;
  private static DatabaseClient db;

  @BeforeAll
  static void createTable() {
    DatabaseClient.create(server).sql("CREATE DATABASE " + DATABASE).then().block(PATIENCE);
    database = ConnectionFactories.get("r2dbc:mysql://" + Isolation.DB_USER + ":" + Isolation.DB_PASSWORD + "@"
        + Isolation.DB_HOST + ":" + Isolation.DB_PORT + "/" + DATABASE);
    db = DatabaseClient.create(database);
    db.sql("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB").then()
        .then(db.sql("INSERT INTO t VALUES (1, 0), (2, 0)").then())
        .block(PATIENCE);
  }

  @AfterAll
  static void dropDatabase() {
    DatabaseClient.create(server).sql("DROP DATABASE IF EXISTS " + DATABASE).then().block(PATIENCE);
  }

  @Test
  void aDeadlockIsALockConflict() {
    // Two transactions each lock one row, then wait for the other's: the database rolls one back.
    TransactionalOperator tx = TransactionalOperator.create(new R2dbcTransactionManager(database));
    Sinks.Empty<Void> firstHolds = Sinks.empty();
    Sinks.Empty<Void> secondHolds = Sinks.empty();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Mono<Void> first = tx.transactional(lock(1).then(Mono.fromRunnable(firstHolds::tryEmitEmpty))
        .then(secondHolds.asMono()).then(lock(2)));
    Mono<Void> second = tx.transactional(firstHolds.asMono().then(lock(2))
        .then(Mono.fromRunnable(secondHolds::tryEmitEmpty)).then(lock(1)));
    Mono.when(first.doOnError(failure::set).onErrorComplete(), second.doOnError(failure::set).onErrorComplete())
        .block(PATIENCE);

    assertThat(failure.get()).isNotNull();
    assertThat(LockConflict.is(failure.get())).isTrue();
  }

  @Test
  void aDuplicateKeyIsNot() {
    Throwable duplicate = db.sql("INSERT INTO t VALUES (1, 1)").then()
        .map(done -> (Throwable) new AssertionError("inserted a duplicate"))
        .onErrorResume(e -> Mono.just(e)).block(PATIENCE);

    assertThat(duplicate).isNotInstanceOf(AssertionError.class);
    assertThat(LockConflict.is(duplicate)).isFalse();
    assertThat(LockConflict.is(new IllegalStateException("other", new RuntimeException()))).isFalse();
  }

  private static Mono<Void> lock(int id) {
    return db.sql("SELECT v FROM t WHERE id = :id FOR UPDATE").bind("id", id).map(r -> 1).all().then();
  }
}
