package dev.flashgroup.api;

import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/** Heartbeat comments keep a quiet event stream open, and do not keep a finished one open. */
@IsolatedServices
@ApiTest
class ProgressHeartbeatTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @DynamicPropertySource
  static void quickHeartbeats(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.live.heartbeat", () -> "PT0.2S");
  }

  @Autowired WebTestClient http;

  @Test
  void aQuietGroupStreamGetsHeartbeatsAndStillEndsWhenTheGroupSettles() {
    Shop shop = new Shop(http);
    long activity = shop.schedule("shop-1", Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Map<?, ?> alice = shop.open("alice", activity);
    List<ServerSentEvent<String>> events = new CopyOnWriteArrayList<>();
    AtomicBoolean completed = new AtomicBoolean();
    Disposable subscription = http.get().uri("/api/v1/groups/" + alice.get("groupId") + "/events")
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "carol")))
        .accept(MediaType.TEXT_EVENT_STREAM).exchange()
        .expectStatus().isOk()
        .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {}).getResponseBody()
        .subscribe(events::add, e -> { }, () -> completed.set(true));
    try {
      await().atMost(PATIENCE).until(() -> heartbeats(events) >= 3);

      Map<?, ?> bob = shop.join("bob", alice.get("groupId"));
      shop.pay("alice", alice.get("orderId"));
      shop.pay("bob", bob.get("orderId"));

      await().atMost(PATIENCE).until(completed::get);
    } finally {
      subscription.dispose();
    }
  }

  private static long heartbeats(List<ServerSentEvent<String>> events) {
    return events.stream().filter(e -> e.data() == null && "heartbeat".equals(e.comment())).count();
  }
}
