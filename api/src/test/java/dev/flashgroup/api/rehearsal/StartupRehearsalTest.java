package dev.flashgroup.api.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.api.FlashgroupApplication;
import dev.flashgroup.engine.keys.KeySettings;
import dev.flashgroup.engine.rehearsal.RehearsalPart;
import dev.flashgroup.engine.rehearsal.Scratch;
import dev.flashgroup.engine.support.IsolatedServices;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerInitializedEvent;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The start-up rehearsal runs after the server listens and before the instance is ready: a part
 * of this test's own, run with the others, finds readiness OUT_OF_SERVICE over HTTP; once the
 * context is up readiness is UP. The web part's requests all reach their controller (404, none
 * refused by the address limit, which lets one request through here) and none is in the HTTP
 * metrics; the scratch namespace is gone.
 */
@IsolatedServices
@SpringBootTest(classes = FlashgroupApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"flashgroup.rehearsal.enabled=true", "flashgroup.rehearsal.rounds=200",
        "flashgroup.rehearsal.startup-budget=PT60S", "flashgroup.client-limits.enabled=true",
        "flashgroup.client-limits.per-second=1", "flashgroup.client-limits.burst=1"})
@AutoConfigureWebTestClient(timeout = "PT30S")
@Import(StartupRehearsalTest.ReadinessDuringRehearsal.class)
@DirtiesContext
class StartupRehearsalTest {

  @Autowired ReadinessDuringRehearsal probe;
  @Autowired WebRehearsal web;
  @Autowired MeterRegistry meters;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired KeySettings keys;
  @Autowired WebTestClient http;

  @Test
  void readinessWaitsForTheRehearsalWhichLeavesNothingBehind() {
    assertThat(probe.seen).containsExactly("503 OUT_OF_SERVICE");
    http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("UP");

    // Every request the web part made within its share of the budget reached its controller.
    assertThat(web.lastAnswers()).containsOnlyKeys(HttpStatus.NOT_FOUND);
    assertThat(web.lastAnswers().get(HttpStatus.NOT_FOUND)).isPositive();
    assertThat(meters.find("http.server.requests").tag("status", "404").timers()).isEmpty();
    assertThat(redis.scan(ScanOptions.scanOptions().match(keys.namespace() + ":rehearsal:*").build()).collectList()
        .block(Duration.ofSeconds(30))).isEmpty();
  }

  /** A rehearsal part that asks this instance's readiness probe while the rehearsal runs. */
  @TestConfiguration(proxyBeanMethods = false)
  static class ReadinessDuringRehearsal implements RehearsalPart {

    final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile int port;

    @EventListener
    void serving(ReactiveWebServerInitializedEvent event) {
      port = event.getWebServer().getPort();
    }

    @Override
    public String name() {
      return "readiness probe";
    }

    @Override
    public Mono<Long> rehearse(Scratch scratch) {
      return WebClient.create("http://127.0.0.1:" + port).get().uri("/actuator/health/readiness")
          .exchangeToMono(answer -> answer.bodyToMono(Map.class)
              .map(body -> answer.statusCode().value() + " " + body.get("status")))
          .doOnNext(seen::add)
          .thenReturn(1L);
    }
  }
}
