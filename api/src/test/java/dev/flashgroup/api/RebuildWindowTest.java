package dev.flashgroup.api;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * While an activity Redis lost awaits its rebuild, a reservation answers 503 UNAVAILABLE with
 * Retry-After: never SOLD_OUT, NOT_FOUND or a reservation from half a state.
 */
@IsolatedServices
@ApiTest
class RebuildWindowTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @Autowired WebTestClient http;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  @Test
  void aReservationForAnActivityAwaitingItsRebuildAnswersUnavailableWithRetryAfter() {
    Shop shop = new Shop(http);
    long activity = shop.schedule("shop-1", Shop.activity(2, 5, 3, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    var k = keys.of(new ActivityId(activity));
    // Another instance holds the rebuild, so the window stays open for the test.
    redis.opsForHash().put(k.rebuild(), "owner", "another-instance").block(PATIENCE);
    redis.expire(k.rebuild(), Duration.ofMinutes(5)).block(PATIENCE);
    redis.delete(k.activity()).block(PATIENCE);

    http.post().uri("/api/v1/activities/" + activity + "/orders")
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "alice"))).header("Idempotency-Key", "tap-1")
        .exchange()
        .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
        .expectHeader().valueEquals("Retry-After", "2")
        .expectBody().jsonPath("$.code").isEqualTo("UNAVAILABLE");
  }
}
