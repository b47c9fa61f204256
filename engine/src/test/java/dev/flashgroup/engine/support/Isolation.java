package dev.flashgroup.engine.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.sql.DriverManager;
import java.util.List;
import java.util.UUID;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
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
  public static final String RABBIT_HOST = env("FLASHGROUP_MESSAGING_HOST", "127.0.0.1");
  public static final int RABBIT_PORT = Integer.parseInt(env("FLASHGROUP_MESSAGING_PORT", "5672"));

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

  /** Points the application context at this class's own database, namespace and queues. */
  public void register(DynamicPropertyRegistry registry) {
    registry.add("spring.r2dbc.url", () -> "r2dbc:mysql://" + DB_HOST + ":" + DB_PORT + "/" + database()
        + "?serverZoneId=UTC");
    registry.add("spring.r2dbc.username", () -> DB_USER);
    registry.add("spring.r2dbc.password", () -> DB_PASSWORD);
    registry.add("spring.flyway.url", this::jdbcUrl);
    registry.add("spring.flyway.user", () -> DB_USER);
    registry.add("spring.flyway.password", () -> DB_PASSWORD);
    registry.add("spring.data.redis.host", () -> REDIS_HOST);
    registry.add("spring.data.redis.port", () -> REDIS_PORT);
    registry.add("flashgroup.redis.namespace", this::namespace);
    registry.add("flashgroup.messaging.host", () -> RABBIT_HOST);
    registry.add("flashgroup.messaging.port", () -> RABBIT_PORT);
    registry.add("flashgroup.messaging.prefix", this::messagingPrefix);
    registry.add("flashgroup.relay.consumer-name", () -> "relay-" + id);
    registry.add("flashgroup.timers.interval", () -> "PT0.05S");
    registry.add("flashgroup.relay.interval", () -> "PT0.01S");
  }

  /** Drops the database, deletes the namespace's keys and the queues and exchanges. */
  public void removeAll() throws Exception {
    try (var db = DriverManager.getConnection("jdbc:mariadb://" + DB_HOST + ":" + DB_PORT + "/", DB_USER, DB_PASSWORD);
        var statement = db.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database());
    }
    var redisFactory = new LettuceConnectionFactory(REDIS_HOST, REDIS_PORT);
    redisFactory.afterPropertiesSet();
    redisFactory.start();
    try {
      var redis = new StringRedisTemplate(redisFactory);
      try (var cursor = redis.scan(ScanOptions.scanOptions().match(namespace() + ":*").count(1000).build())) {
        cursor.forEachRemaining(redis::delete);
      }
    } finally {
      redisFactory.destroy();
    }
    var rabbit = new ConnectionFactory();
    rabbit.setHost(RABBIT_HOST);
    rabbit.setPort(RABBIT_PORT);
    try (Connection connection = rabbit.newConnection(); Channel channel = connection.createChannel()) {
      for (String queue : List.of(".orders", ".refunds", ".dead-letters")) {
        channel.queueDelete(messagingPrefix() + queue);
      }
      channel.exchangeDelete(messagingPrefix() + ".events");
      channel.exchangeDelete(messagingPrefix() + ".dead");
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
