package dev.flashgroup.engine.activity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.recovery.LostActivities;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The warmer's upkeep of sharded activities does work in proportion to what changed: a warm sharded
 * activity is one EXISTS batch for lost detection and one read for repair, even when its buckets'
 * stock totals do not add up to MySQL's stock (a rebuilt bucket's hold what it was rebuilt with).
 */
@IsolatedServices
// No warmer round after the first: nothing rebuilds what a test removes.
@SpringBootTest(classes = TestEngineApplication.class, properties = "flashgroup.activities.warm-interval=PT1H")
@DirtiesContext
class ShardedRepairTest {

  private static final int SHARDS = 8;

  @Autowired ActivityScheduling scheduling;
  @Autowired ActivityRepair repair;
  @Autowired LostActivities lost;
  @Autowired RedisKeys keys;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired Environment environment;

  private Activity schedule(int shards) {
    return scheduling.schedule("shop-1", new ActivityDraft("Hot duck", Mode.STANDARD, 3, 2990L, 3990L, 40, 1,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1),
            List.of(), null, null, null, null, null, shards))
        .block(Duration.ofSeconds(10));
  }

  /**
   * A repair of a sharded activity whose buckets' totals differ from MySQL's stock takes no row
   * lock (it used to every round, to find nothing to copy): it answers while another transaction
   * holds the row.
   */
  @Test
  void repairsARebuiltShardedActivityWithoutLockingItsRow() throws Exception {
    Activity a = schedule(SHARDS);
    redis.opsForHash().put(keys.of(a.id(), 2).activity(), "stock_total", "11").block();

    try (Connection holder = DriverManager.getConnection(environment.getProperty("spring.flyway.url"),
        environment.getProperty("spring.flyway.user"), environment.getProperty("spring.flyway.password"))) {
      holder.setAutoCommit(false);
      try (var lock = holder.createStatement()) {
        lock.executeQuery("SELECT id FROM activities WHERE id = " + a.id().value() + " FOR UPDATE").close();
      }
      assertThat(repair.repair(a.id(), Instant.now()).block(Duration.ofSeconds(5))).isTrue();
      holder.rollback();
    }
  }

  /** Lost detection names every bucket's hash: none lost while all are there, the activity once one is gone. */
  @Test
  void findsAShardedActivityLostWhenOneBucketIsGone() {
    Activity sharded = schedule(SHARDS);
    Activity single = schedule(1);
    assertThat(lost.lost().collectList().block(Duration.ofSeconds(10))).doesNotContain(sharded.id(), single.id());

    redis.delete(keys.of(sharded.id(), 5).activity()).block();
    assertThat(lost.lost().collectList().block(Duration.ofSeconds(10))).contains(sharded.id())
        .doesNotContain(single.id());

    redis.delete(keys.of(single.id()).activity()).block();
    assertThat(lost.lost().collectList().block(Duration.ofSeconds(10))).contains(sharded.id(), single.id());
  }
}
