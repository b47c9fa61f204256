package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.progress.ProgressFeeds;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/** Live progress over Server-Sent Events, fed by the activity streams the scripts append to. */
@IsolatedServices
@ApiTest
class ProgressEventsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> FRAME =
      new ParameterizedTypeReference<>() {};
  private static final ParameterizedTypeReference<ServerSentEvent<String>> RAW_FRAME =
      new ParameterizedTypeReference<>() {};

  @Autowired WebTestClient http;
  @Autowired ProgressFeeds feeds;
  @Autowired Reservations reservations;
  @LocalServerPort int port;
  Shop shop;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
  }

  @Test
  void aGroupSubscriberSeesAnotherBuyersJoinAndThenPaymentInOrderWithinASecondEach() throws InterruptedException {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Object groupId = shop.open("alice", activity).get("groupId");
    BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
    Disposable subscription = events("/api/v1/groups/" + groupId + "/events", "carol")
        .filter(e -> e.data() != null)
        .subscribe(e -> frames.add(e.data()));
    try {
      Map<String, Object> snapshot = frames.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(snapshot).containsEntry("groupId", groupId).containsEntry("status", "OPEN")
          .containsEntry("members", 1).containsEntry("paid", 0).containsEntry("freeSlots", 2)
          .containsKey("expiresAt");

      Map<?, ?> bob = shop.join("bob", groupId);
      Map<String, Object> joined = frames.poll(1, TimeUnit.SECONDS);
      assertThat(joined).as("the join, within a second").isNotNull();
      assertThat(joined).containsEntry("members", 2).containsEntry("paid", 0).containsEntry("freeSlots", 1);

      shop.pay("bob", bob.get("orderId"));
      Map<String, Object> paid = frames.poll(1, TimeUnit.SECONDS);
      assertThat(paid).as("the payment, within a second").isNotNull();
      assertThat(paid).containsEntry("members", 2).containsEntry("paid", 1).containsEntry("status", "OPEN");
    } finally {
      subscription.dispose();
    }
  }

  @Test
  void theGroupStreamEndsWithTheFrameThatSettlesIt() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Map<?, ?> alice = shop.open("alice", activity);
    Map<?, ?> bob = shop.join("bob", alice.get("groupId"));
    List<Map<String, Object>> frames = new ArrayList<>();
    AtomicReference<Boolean> completed = new AtomicReference<>(false);
    Disposable subscription = events("/api/v1/groups/" + alice.get("groupId") + "/events", "carol")
        .filter(e -> e.data() != null)
        .subscribe(e -> frames.add(e.data()), e -> { }, () -> completed.set(true));
    try {
      await().atMost(PATIENCE).until(() -> !frames.isEmpty());
      shop.pay("alice", alice.get("orderId"));
      shop.pay("bob", bob.get("orderId"));

      await().atMost(PATIENCE).until(completed::get);
      assertThat(frames.get(frames.size() - 1)).containsEntry("status", "SUCCEEDED").containsEntry("paid", 2)
          .containsEntry("freeSlots", 0);
    } finally {
      subscription.dispose();
    }
  }

  @Test
  void aThousandSubscribersOnOneInstanceAllReceiveTheJoin() {
    int subscribers = 1_000;
    long activity = shop.schedule("shop-1", Shop.activity(50, 100, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Object groupId = shop.open("alice", activity).get("groupId");
    // Distinct subscribers: one that reconnects sees its snapshot twice.
    Set<Integer> snapshots = ConcurrentHashMap.newKeySet();
    Set<Integer> joins = ConcurrentHashMap.newKeySet();
    ConnectionProvider connections = ConnectionProvider.builder("sse-subscribers")
        .maxConnections(subscribers + 10).pendingAcquireMaxCount(-1).build();
    WebClient client = WebClient.builder().baseUrl("http://localhost:" + port)
        .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections))).build();
    List<Disposable> subscriptions = new ArrayList<>();
    try {
      for (int i = 0; i < subscribers; i++) {
        int subscriber = i;
        subscriptions.add(client.get().uri("/api/v1/groups/" + groupId + "/events")
            .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "watcher")))
            // Raw frames: a thousand JSON decoders starting at once contend on Jackson's cache lock,
            // which BlockHound rightly reports on the client's event loop.
            .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(RAW_FRAME)
            // Reconnect like an EventSource does, should the shared Redis be too busy to answer
            // a thousand snapshots at once (503) on this crowded machine.
            .retryWhen(Retry.backoff(5, Duration.ofMillis(200)))
            .filter(e -> e.data() != null)
            .subscribe(e -> (e.data().contains("\"members\":1,") ? snapshots : joins).add(subscriber)));
      }
      await().atMost(PATIENCE).untilAsserted(() -> assertThat(snapshots).hasSize(subscribers));
      await().atMost(PATIENCE).until(() -> feeds.subscribers(new ActivityId(activity)) == subscribers);

      shop.join("bob", groupId);

      await().atMost(PATIENCE).untilAsserted(() -> assertThat(joins).hasSize(subscribers));
    } finally {
      subscriptions.forEach(Disposable::dispose);
      connections.dispose();
    }
    await().atMost(PATIENCE).until(() -> feeds.subscribers(new ActivityId(activity)) == 0);
    await().atMost(PATIENCE).until(() -> !feeds.reading(new ActivityId(activity)));
  }

  @Test
  void aCancelledSubscriberIsCleanedUpAndTheReaderStops() {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Object groupId = shop.open("alice", activity).get("groupId");
    AtomicInteger frames = new AtomicInteger();
    Disposable subscription = events("/api/v1/groups/" + groupId + "/events", "carol")
        .filter(e -> e.data() != null).subscribe(e -> frames.incrementAndGet());
    await().atMost(PATIENCE).until(() -> frames.get() == 1);
    assertThat(feeds.subscribers(new ActivityId(activity))).isEqualTo(1);
    assertThat(feeds.reading(new ActivityId(activity))).isTrue();

    subscription.dispose();

    await().atMost(PATIENCE).until(() -> feeds.subscribers(new ActivityId(activity)) == 0);
    await().atMost(PATIENCE).until(() -> !feeds.reading(new ActivityId(activity)));
    await().atMost(PATIENCE).until(() -> feeds.openReaders() == 0);
  }

  @Test
  void anInstanceKeepsNothingForActivitiesNobodyWatchesAnyMore() {
    List<ActivityId> watched = new ArrayList<>();
    List<Disposable> subscriptions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ActivityId id = new ActivityId(
          shop.schedule("shop-1", Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5))));
      watched.add(id);
      subscriptions.add(feeds.activity(id, 10).subscribe());
      subscriptions.add(feeds.activity(id, 10).subscribe());
    }
    await().atMost(PATIENCE).until(() -> watched.stream().allMatch(id -> feeds.subscribers(id) == 2 && feeds.reading(id)));

    subscriptions.forEach(Disposable::dispose);

    await().atMost(PATIENCE).until(() -> watched.stream().noneMatch(feeds::watches));
    await().atMost(PATIENCE).until(() -> feeds.openReaders() == 0);
    // Watching again after the clean-up starts a fresh reader.
    ActivityId again = watched.get(0);
    List<Integer> stock = new java.util.concurrent.CopyOnWriteArrayList<>();
    Disposable subscription = feeds.activity(again, 10).subscribe(p -> stock.add(p.remainingStock()));
    try {
      await().atMost(PATIENCE).until(() -> !stock.isEmpty() && feeds.reading(again));
      assertThat(feeds.watches(again)).isTrue();
    } finally {
      subscription.dispose();
    }
    await().atMost(PATIENCE).until(() -> !feeds.watches(again));
  }

  @Test
  void aSubscriberThatReadsNothingHoldsUpNoOther() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 100, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    ActivityId id = new ActivityId(activity);
    List<Integer> fast = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Takes the snapshot and then never asks for more.
    BaseSubscriber<Object> stalled = new BaseSubscriber<>() {
      @Override
      protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
        request(1);
      }
    };
    feeds.activity(id, 100).subscribe(stalled);
    Disposable subscription = feeds.activity(id, 100).subscribe(p -> fast.add(p.remainingStock()));
    try {
      await().atMost(PATIENCE).until(() -> !fast.isEmpty() && feeds.subscribers(id) == 2);

      Flux.range(0, 100).flatMap(i -> reservations.buyAlone(id, "buyer-" + i, null), 8)
          .ofType(ReservationOutcome.Reserved.class).count().block(PATIENCE);

      await().atMost(PATIENCE).until(() -> fast.get(fast.size() - 1) == 0);
    } finally {
      stalled.dispose();
      subscription.dispose();
    }
    await().atMost(PATIENCE).until(() -> feeds.subscribers(id) == 0);
  }

  @Test
  void anActivitySubscriberSeesStockGoAndGroupsForm() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    List<Map<String, Object>> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
    Disposable subscription = events("/api/v1/activities/" + activity + "/events", "carol")
        .filter(e -> e.data() != null).subscribe(e -> frames.add(e.data()));
    try {
      await().atMost(PATIENCE).until(() -> !frames.isEmpty());
      assertThat(frames.get(0)).containsEntry("activityId", (int) activity).containsEntry("remainingStock", 10)
          .containsEntry("groupsFormed", 0).containsEntry("cancelled", false);

      Map<?, ?> alice = shop.open("alice", activity);
      Map<?, ?> bob = shop.join("bob", alice.get("groupId"));
      shop.pay("alice", alice.get("orderId"));
      shop.pay("bob", bob.get("orderId"));

      await().atMost(PATIENCE).untilAsserted(() -> assertThat(frames.get(frames.size() - 1))
          .containsEntry("remainingStock", 8).containsEntry("groupsFormed", 1));
    } finally {
      subscription.dispose();
    }
  }

  @Test
  void anUnknownGroupOrActivityIsAProblemNotAStream() {
    http.get().uri("/api/v1/groups/999-1/events").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "carol")))
        .exchange().expectStatus().isEqualTo(HttpStatus.NOT_FOUND)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
    http.get().uri("/api/v1/activities/999999/events").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "carol")))
        .exchange().expectStatus().isEqualTo(HttpStatus.NOT_FOUND)
        .expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
  }

  private Flux<ServerSentEvent<Map<String, Object>>> events(String uri, String viewer) {
    return http.get().uri(uri).headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", viewer)))
        .accept(MediaType.TEXT_EVENT_STREAM).exchange()
        .expectStatus().isOk()
        .returnResult(FRAME).getResponseBody();
  }
}
