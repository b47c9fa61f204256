package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code shards} through the merchant API: bounds, the split into buckets, fixed once created. */
@IsolatedServices
@ApiTest
class ShardedActivitiesTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String BASE = "/api/v1/merchant/activities/";

  @Autowired WebTestClient http;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  Shop shop;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
  }

  private static Map<String, Object> soon(int stock, Integer shards) {
    Map<String, Object> body = Shop.activity(2, stock, 2, Duration.ofMinutes(10), Duration.ofMinutes(5));
    Instant start = Instant.now().plus(Duration.ofMinutes(5));
    body.put("startsAt", start.toString());
    body.put("endsAt", start.plus(Duration.ofDays(1)).toString());
    if (shards != null) {
      body.put("shards", shards);
    }
    return body;
  }

  private List<String> bucketStocks(long id, int shards) {
    return IntStream.range(0, shards).mapToObj(b -> redis.<String, String>opsForHash()
        .get(keys.of(new ActivityId(id), b).activity(), "stock").block(PATIENCE)).toList();
  }

  private static WebTestClient.BodyContentSpec refused(WebTestClient.ResponseSpec response, HttpStatus status,
      String code) {
    return response.expectStatus().isEqualTo(status)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }

  @Test
  void splitsTheStockOfANewActivityIntoItsShards() {
    long id = shop.schedule("shop-1", soon(10, 4));

    shop.merchant("shop-1", HttpMethod.GET, BASE + id, null).expectStatus().isOk()
        .expectBody().jsonPath("$.shards").isEqualTo(4).jsonPath("$.figures.remainingStock").isEqualTo(10);
    assertThat(bucketStocks(id, 4)).containsExactly("3", "3", "2", "2");
    assertThat(redis.hasKey(keys.of(new ActivityId(id)).activity()).block(PATIENCE)).isFalse();
  }

  @Test
  void keepsTheKeysOfAnActivityInOneShard() {
    long id = shop.schedule("shop-1", soon(10, null));

    shop.merchant("shop-1", HttpMethod.GET, BASE + id, null).expectStatus().isOk()
        .expectBody().jsonPath("$.shards").isEqualTo(1);
    assertThat(redis.<String, String>opsForHash().get(keys.of(new ActivityId(id)).activity(), "stock")
        .block(PATIENCE)).isEqualTo("10");
  }

  @Test
  void refusesShardsOutOfBounds() {
    for (int shards : new int[] {0, 17, -1}) {
      refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/activities", soon(10, shards)),
          HttpStatus.BAD_REQUEST, "INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("shards");
    }
    refused(shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/activities", soon(3, 4)),
        HttpStatus.BAD_REQUEST, "INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("shards");
  }

  @Test
  void anEditKeepsTheShardsAndSplitsTheNewStock() {
    long id = shop.schedule("shop-1", soon(10, 4));

    refused(shop.merchant("shop-1", HttpMethod.PUT, BASE + id, soon(25, 2)), HttpStatus.CONFLICT, "SHARDS_FIXED");
    shop.merchant("shop-1", HttpMethod.PUT, BASE + id, soon(25, null)).expectStatus().isOk()
        .expectBody().jsonPath("$.shards").isEqualTo(4).jsonPath("$.stock").isEqualTo(25);
    assertThat(bucketStocks(id, 4)).containsExactly("7", "6", "6", "6");
  }

  @Test
  void refusesAddedStockForAShardedActivity() {
    long id = shop.schedule("shop-1", soon(10, 4));

    refused(shop.merchant("shop-1", HttpMethod.POST, BASE + id + "/stock", Map.of("units", 5)), HttpStatus.CONFLICT,
        "SHARDED_ACTIVITY");
    assertThat(bucketStocks(id, 4)).containsExactly("3", "3", "2", "2");
  }
}
