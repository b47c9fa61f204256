package dev.flashgroup.engine.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.flashgroup.engine.support.OwnRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The start-up check against a redis-server of the test's own in each configuration: the log says
 * what a crash costs, and with require-durable the application refuses what cannot keep an
 * acknowledged reservation.
 */
class RedisDurabilityTest {

  private static final List<AutoCloseable> started = new ArrayList<>();

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(RedisDurability.class);

  @BeforeEach
  void listen() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    logger.detachAppender(logged);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    for (AutoCloseable each : started) {
      each.close();
    }
  }

  @Test
  void saysEverythingSinceTheSnapshotIsLostWithoutAof() {
    check(new DurabilitySettings(0, false), "--appendonly", "no");
    assertLogged(Level.WARN, "appendonly no: every reservation since the last snapshot is lost if Redis crashes");
  }

  @Test
  void refusesToStartWithoutAofWhenDurabilityIsRequired() {
    assertThatThrownBy(() -> check(new DurabilitySettings(0, true), "--appendonly", "no"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("appendonly no")
        .hasMessageContaining("FLASHGROUP_REDIS_REQUIRE_DURABLE");
  }

  @Test
  void saysASecondCanBeLostWithEverysec() {
    check(new DurabilitySettings(0, true), "--appendonly", "yes", "--appendfsync", "everysec");
    assertLogged(Level.WARN, "appendfsync everysec: up to 1 s of acknowledged reservations can be lost if Redis crashes");
  }

  @Test
  void saysNothingIsLostWithAlways() {
    Persistence persistence = check(new DurabilitySettings(0, true), "--appendonly", "yes", "--appendfsync", "always");
    assertLogged(Level.INFO, "appendfsync always: nothing acknowledged is lost if Redis crashes");
    assertThat(persistence.lossless()).isTrue();
  }

  @Test
  void refusesToStartWithFewerReplicasThanRequired() {
    assertThatThrownBy(() -> check(new DurabilitySettings(1, true), "--appendonly", "yes", "--appendfsync", "always"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("0 connected replica(s), 1 required (FLASHGROUP_REDIS_MIN_REPLICAS)")
        .hasMessageContaining("FLASHGROUP_REDIS_REQUIRE_DURABLE");
    assertLogged(Level.WARN, "only 0 replica(s) connected of the 1 required");
  }

  @Test
  void onlyWarnsAboutMissingReplicasWhenDurabilityIsNotRequired() {
    Persistence persistence = check(new DurabilitySettings(2, false), "--appendonly", "yes", "--appendfsync", "always");
    assertThat(persistence.replicas()).contains(0);
    assertLogged(Level.WARN, "only 0 replica(s) connected of the 2 required");
  }

  @Test
  void countsConnectedReplicas() {
    OwnRedis primary = own("--appendonly", "yes", "--appendfsync", "always");
    own("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
    LettuceConnectionFactory connection = connect(primary);
    RedisDurability lenient = new RedisDurability(connection, new DurabilitySettings(1, false));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lenient.check().replicas().orElse(0) == 1);
    logged.list.clear();
    assertThat(new RedisDurability(connection, new DurabilitySettings(1, true)).check().replicas()).contains(1);
    assertLogged(Level.INFO, "1 replica(s) connected (1 required)");
  }

  @Test
  void saysPersistenceIsUnknownWhenConfigIsRefused() {
    check(new DurabilitySettings(0, false), "--appendonly", "yes", "--rename-command", "CONFIG", "\"\"");
    assertLogged(Level.WARN, "Redis refused CONFIG GET (a managed Redis?): its persistence is unknown");
  }

  @Test
  void refusesUnknownPersistenceWhenDurabilityIsRequired() {
    assertThatThrownBy(() -> check(new DurabilitySettings(0, true), "--rename-command", "CONFIG", "\"\""))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CONFIG GET refused");
  }

  @Test
  void refusesARedisItCannotAskWhenDurabilityIsRequired() {
    OwnRedis gone = own("--appendonly", "yes");
    LettuceConnectionFactory connection = connect(gone);
    gone.close();
    assertThatThrownBy(() -> new RedisDurability(connection, new DurabilitySettings(0, true)).check())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Redis unreachable");
    assertLogged(Level.WARN, "Redis could not be asked");
  }

  private Persistence check(DurabilitySettings settings, String... options) {
    return new RedisDurability(connect(own(options)), settings).check();
  }

  private static OwnRedis own(String... options) {
    OwnRedis redis = OwnRedis.start(options);
    started.add(redis);
    return redis;
  }

  private static LettuceConnectionFactory connect(OwnRedis redis) {
    LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
    factory.afterPropertiesSet();
    started.add(0, factory::destroy);
    return factory;
  }

  private void assertLogged(Level level, String text) {
    assertThat(logged.list).anySatisfy((Consumer<ILoggingEvent>) event -> {
      assertThat(event.getLevel()).isEqualTo(level);
      assertThat(event.getFormattedMessage()).contains(text);
    });
  }
}
