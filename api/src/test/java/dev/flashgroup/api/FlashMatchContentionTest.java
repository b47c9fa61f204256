package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A flash group's opening second: 300 buyers call {@code match} at once for 90 units in groups of
 * 3. Exactly 90 are accepted, in exactly 30 full groups, none overfull, and nothing is left half
 * empty.
 */
@IsolatedServices
@ApiTest
// Counts, not latency: on a shared, loaded machine 300 scripts queued behind other work can take
// longer than the production timeout of 2 s, which would turn a reservation into a 503.
@TestPropertySource(properties = "spring.data.redis.timeout=20s")
class FlashMatchContentionTest {

  private static final int STOCK = 90;
  private static final int GROUP_SIZE = 3;
  private static final int BUYERS = 300;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @LocalServerPort int port;
  @Autowired WebTestClient http;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;
  @Autowired DatabaseClient db;

  record Answer(int status, String groupId, String code) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Answer answer(Map.Entry<Integer, String> response) {
    JsonNode body = JSON.readTree(response.getValue());
    return new Answer(response.getKey(), text(body, "groupId"), text(body, "code"));
  }

  private static String text(JsonNode body, String field) {
    return body.hasNonNull(field) ? body.get(field).asString() : null;
  }

  @Test
  void threeHundredBuyersMatchIntoExactlyThirtyFullGroups() {
    Map<String, Object> draft = Shop.activity(GROUP_SIZE, STOCK, 1, Duration.ofMinutes(30), Duration.ofMinutes(30));
    draft.put("mode", "FLASH");
    long activity = new Shop(http).schedule("shop-1", draft);
    List<String> tokens = IntStream.range(0, BUYERS).mapToObj(i -> Tokens.of("CUSTOMER", "buyer-" + i)).toList();
    ConnectionProvider pool = ConnectionProvider.builder("flash-buyers").maxConnections(BUYERS)
        .pendingAcquireTimeout(PATIENCE).build();
    WebClient client = WebClient.builder().baseUrl("http://localhost:" + port)
        .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool))).build();

    // Bodies are parsed here, not on the client's event loop: 300 threads creating the same Jackson
    // deserializer at once contend for its cache lock, and BlockHound rightly fails the park.
    List<Answer> answers = Flux.fromIterable(tokens)
        .flatMap(token -> client.post().uri("/api/v1/activities/{id}/groups/match", activity)
            .headers(h -> h.setBearerAuth(token))
            .exchangeToMono(response -> response.bodyToMono(String.class)
                .map(body -> Map.entry(response.statusCode().value(), body))), BUYERS)
        .collectList()
        .block(PATIENCE)
        .stream().map(FlashMatchContentionTest::answer).toList();
    pool.dispose();

    List<Answer> accepted = answers.stream().filter(a -> a.status() == 201).toList();
    assertThat(answers.stream().filter(a -> a.status() != 201).map(a -> a.status() + " " + a.code()))
        .hasSize(BUYERS - STOCK).containsOnly("409 SOLD_OUT");
    assertThat(accepted).hasSize(STOCK);
    Map<String, Long> perGroup = accepted.stream().collect(Collectors.groupingBy(Answer::groupId, Collectors.counting()));
    assertThat(perGroup).hasSize(STOCK / GROUP_SIZE);
    assertThat(perGroup.values()).containsOnly((long) GROUP_SIZE);

    var k = keys.of(new ActivityId(activity));
    for (String groupId : perGroup.keySet()) {
      assertThat(redis.<String, String>opsForHash().get(k.group(groupId), "members").block(PATIENCE))
          .isEqualTo(Integer.toString(GROUP_SIZE));
      assertThat(redis.opsForHash().size(k.groupMembers(groupId)).block(PATIENCE)).isEqualTo(GROUP_SIZE);
    }
    assertThat(redis.opsForZSet().size(k.openGroups()).block(PATIENCE)).isZero();
    await().atMost(PATIENCE).until(() -> db.sql("SELECT COUNT(*) AS n FROM orders WHERE activity_id = :a")
        .bind("a", activity).map(r -> r.get("n", Long.class)).one().block(PATIENCE) == STOCK);
  }
}
