package dev.flashgroup.engine.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Unique viewers in Redis' HyperLogLogs, on a real Redis: views are buffered and written in
 * batches, repeats count once, a full buffer drops (and counts) what does not fit. The timed
 * flush is slowed down so the test flushes itself.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class ViewerCounterTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final int BUFFER = 20_000;

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.relay.enabled", () -> "false");
    registry.add("flashgroup.analytics.viewer-flush", () -> "PT60S");
    registry.add("flashgroup.analytics.viewer-buffer", () -> Integer.toString(BUFFER));
  }

  @Autowired ViewerCounter viewers;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired MeterRegistry meters;

  /**
   * Few viewers: Redis keeps them in the sparse representation, whose estimate is exact for a
   * handful of distinct values (registers collide with probability n²/2¹⁵, about 0.1 % here;
   * the hash is fixed, so the same names give the same count every run).
   */
  @Test
  void aFewViewersSeenRepeatedlyCountExactly() {
    ActivityId activity = new ActivityId(41);
    for (int round = 0; round < 4; round++) {
      for (int v = 0; v < 7; v++) {
        viewers.viewed(activity, "buyer-" + v);
      }
    }
    // Nothing reached Redis yet: the views wait in the buffer.
    assertThat(viewers.viewers(activity).block(PATIENCE)).isZero();
    viewers.flush().block(PATIENCE);
    LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
    assertThat(viewers.viewers(activity).block(PATIENCE)).isEqualTo(7);
    assertThat(viewers.viewers(java.util.List.of(41L), today).block(PATIENCE)).containsEntry(41L, 7L);
    assertThat(redis.getExpire(keys.of(activity).viewers()).block(PATIENCE)).isPositive();
    // A second flush with nothing new changes nothing.
    viewers.viewed(activity, "buyer-3");
    viewers.flush().block(PATIENCE);
    assertThat(viewers.viewers(activity).block(PATIENCE)).isEqualTo(7);
  }

  /**
   * Many viewers: the estimate is within 2 % (Redis' standard error is 0.81 %; 2 % is about 2.5
   * of them, and the fixed hash makes the figure the same every run). The buffer holds 20,000
   * views: the 500 beyond it are dropped and counted, the request never waits.
   */
  @Test
  void manyViewersAreEstimatedAndAFullBufferDropsWhatDoesNotFit() {
    ActivityId activity = new ActivityId(42);
    double dropped = meters.counter("flashgroup.analytics.viewers.dropped").count();
    int distinct = 10_000;
    long started = System.nanoTime();
    for (int round = 0; round < 2; round++) {
      for (int v = 0; v < distinct; v++) {
        viewers.viewed(activity, "viewer-" + v);
      }
    }
    long nanosPerView = (System.nanoTime() - started) / (2L * distinct);
    for (int v = 0; v < 500; v++) {
      viewers.viewed(activity, "late-" + v);
    }
    assertThat(meters.counter("flashgroup.analytics.viewers.dropped").count() - dropped).isEqualTo(500);
    viewers.flush().block(PATIENCE);
    long counted = viewers.viewers(activity).block(PATIENCE);
    assertThat((double) counted).isCloseTo(distinct, within(distinct * 0.02));
    System.out.printf("%,d distinct viewers counted as %,d; %,d ns per buffered view%n", distinct, counted,
        nanosPerView);
  }
}
