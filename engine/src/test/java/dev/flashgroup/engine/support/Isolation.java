package dev.flashgroup.engine.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Gives one test class its own MySQL database, Redis namespace and RabbitMQ names on the real
 * local services, so no run depends on what another left behind, and removes them afterwards.
 */
public final class Isolation {

  public static final String DB_HOST = env("FLASHGROUP_DB_HOST", "127.0.0.1");
  public static final String DB_PORT = env("FLASHGROUP_DB_PORT", "3306");
  public static final String DB_USER = env("FLASHGROUP_DB_USER", "root");
  public static final String DB_PASSWORD = env("FLASHGROUP_DB_PASSWORD", "");
  public static final String REDIS_HOST = env("FLASHGROUP_REDIS_HOST", "127.0.0.1");
  public static final int REDIS_PORT = Integer.parseInt(env("FLASHGROUP_REDIS_PORT", "6379"));
  /** Set (host:port,...) when the suite runs against a Redis Cluster (scripts/test's second run). */
  public static final String REDIS_CLUSTER_NODES = env("FLASHGROUP_REDIS_CLUSTER_NODES", "");
  public static final String RABBIT_HOST = env("FLASHGROUP_MESSAGING_HOST", "127.0.0.1");
  public static final int RABBIT_PORT = Integer.parseInt(env("FLASHGROUP_MESSAGING_PORT", "5672"));

  /** MariaDB's and MySQL's ER_LOCK_WAIT_TIMEOUT. */
  private static final int LOCK_WAIT_TIMEOUT = 1205;

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  public String database() {
    return "fg_test_" + id;
  }

  public String namespace() {
    return "fgt" + id;
  }

  public String messagingPrefix() {
    return "fgt." + id;
  }

  public String jdbcUrl() {
    return "jdbc:mariadb://" + DB_HOST + ":" + DB_PORT + "/" + database() + "?createDatabaseIfNotExist=true";
  }

  /** Points an application context at this class's own database, namespace and queues. */
  public Map<String, Object> properties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("spring.r2dbc.url", "r2dbc:mysql://" + DB_HOST + ":" + DB_PORT + "/" + database() + "?serverZoneId=UTC&queryCacheSize=256");
    p.put("spring.r2dbc.username", DB_USER);
    p.put("spring.r2dbc.password", DB_PASSWORD);
    p.put("spring.flyway.url", jdbcUrl());
    p.put("spring.flyway.user", DB_USER);
    p.put("spring.flyway.password", DB_PASSWORD);
    p.put("spring.data.redis.host", REDIS_HOST);
    p.put("spring.data.redis.port", REDIS_PORT);
    p.put("flashgroup.redis.cluster.nodes", REDIS_CLUSTER_NODES);
    p.put("flashgroup.redis.namespace", namespace());
    p.put("flashgroup.messaging.host", RABBIT_HOST);
    p.put("flashgroup.messaging.port", RABBIT_PORT);
    p.put("flashgroup.messaging.prefix", messagingPrefix());
    p.put("flashgroup.relay.consumer-name", "relay-" + id);
    p.put("flashgroup.timers.interval", "PT0.05S");
    // Some tests move a deadline in Redis behind the sweeper's back (no notice): it finds such a
    // deadline at its next rescan. SweeperWaitTest sets both to an hour to prove the notices.
    p.put("flashgroup.timers.longest-wait", "PT0.5S");
    p.put("flashgroup.timers.rescan", "PT0.5S");
    // The same for pickup timers a test sets behind the pickup sweeper's back; PickupWaitTest runs
    // sweepers of its own that wait an hour.
    p.put("flashgroup.pickup.longest-wait", "PT0.5S");
    p.put("flashgroup.pickup.rescan", "PT0.5S");
    // Every context would rehearse the opening at start-up and before each activity a test
    // schedules; the rehearsal's own tests switch it on.
    p.put("flashgroup.rehearsal.enabled", "false");
    p.put("flashgroup.relay.interval", "PT0.01S");
    // Tests reserve on activities they schedule that instant; a new stream joins the relay's
    // blocking read at its next round (in production, warm-ahead puts it there minutes early).
    p.put("flashgroup.relay.block", "PT0.5S");
    // Tests that wait for a repair or a retirement set a short warm-interval; upkeep goes with it.
    p.put("flashgroup.activities.upkeep-interval", "PT0.1S");
    // The tests' webhook receivers listen on loopback, which production refuses.
    p.put("flashgroup.webhooks.allow-private-addresses", "true");
    return p;
  }

  /** The same, for a test that registers properties itself. */
  public void register(DynamicPropertyRegistry registry) {
    properties().forEach((name, value) -> registry.add(name, () -> value));
  }

  /** {@link #removeAll()} for a context that is closing: a failure is logged, not thrown. */
  void removeQuietly() {
    try {
      removeAll();
    } catch (Exception e) {
      LoggerFactory.getLogger(Isolation.class).warn("could not remove test services {}: {}", id, e.toString());
    }
  }

  /** Drops the database, deletes the namespace's keys and the queues and exchanges. */
  public void removeAll() throws Exception {
    try (var db = DriverManager.getConnection("jdbc:mariadb://" + DB_HOST + ":" + DB_PORT + "/", DB_USER, DB_PASSWORD);
        var statement = db.createStatement()) {
      // DROP DATABASE waits for every open transaction on its tables (MariaDB's default: a day).
      // A connection still in one once its context has closed is a leak: it is killed, not waited for.
      statement.execute("SET SESSION lock_wait_timeout = 5");
      try {
        statement.execute("DROP DATABASE IF EXISTS " + database());
      } catch (SQLException e) {
        if (e.getErrorCode() != LOCK_WAIT_TIMEOUT) {
          throw e;
        }
        killConnectionsTo(statement);
        statement.execute("DROP DATABASE IF EXISTS " + database());
      }
    }
    TestRedis.deleteKeys(namespace() + ":*");
    var rabbit = new ConnectionFactory();
    rabbit.setHost(RABBIT_HOST);
    rabbit.setPort(RABBIT_PORT);
    try (Connection connection = rabbit.newConnection(); Channel channel = connection.createChannel()) {
      for (String queue : List.of(".orders", ".refunds", ".reminders", ".dead-letters")) {
        channel.queueDelete(messagingPrefix() + queue);
      }
      channel.exchangeDelete(messagingPrefix() + ".events");
      channel.exchangeDelete(messagingPrefix() + ".dead");
    }
  }

  private void killConnectionsTo(Statement statement) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (var rows = statement.executeQuery("SELECT id FROM information_schema.processlist WHERE db = '"
        + database() + "' AND id <> CONNECTION_ID()")) {
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
    }
    LoggerFactory.getLogger(Isolation.class).warn("killing {} connection(s) still in {}", ids.size(), database());
    for (long id : ids) {
      try {
        statement.execute("KILL CONNECTION " + id);
      } catch (SQLException gone) {
        // It ended meanwhile (unknown thread id): nothing left to kill.
      }
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
