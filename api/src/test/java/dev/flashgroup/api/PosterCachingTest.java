package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A poster answers with its content version as ETag and may be kept briefly by shared caches; a
 * request naming that version gets 304; the same content is drawn once (the renderer's cache),
 * whoever asks, also when many ask at once for a version not drawn yet (the countdown's minute
 * turning); different content (another referrer, hence another QR code) is drawn anew.
 */
@IsolatedServices
@ApiTest
class PosterCachingTest {

  @Autowired WebTestClient http;
  @Autowired MeterRegistry meters;

  @Test
  void theSameContentIsDrawnOnceAndRevalidatedByItsEtag() {
    Shop shop = new Shop(http);
    // Running for an hour: the poster's countdown moves once a minute.
    Map<String, Object> body = Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5));
    body.put("title", "赣南脐橙 10 斤装");
    long activity = shop.schedule("shop-1", body);
    String uri = "/api/v1/activities/" + activity + "/poster.png";

    EntityExchangeResult<byte[]> first = poster(uri, null);
    String etag = first.getResponseHeaders().getETag();
    double drawnAfterFirst = drawn();
    EntityExchangeResult<byte[]> second = poster(uri, null);
    if (!etag.equals(second.getResponseHeaders().getETag())) {
      // The countdown's minute turned between the two: ask once more, within the new minute.
      first = second;
      etag = second.getResponseHeaders().getETag();
      drawnAfterFirst = drawn();
      second = poster(uri, null);
    }

    assertThat(etag).matches("\"[0-9a-f]{32}\"");
    assertThat(first.getResponseHeaders().getCacheControl()).contains("max-age=10").contains("public");
    assertThat(second.getResponseHeaders().getETag()).isEqualTo(etag);
    assertThat(second.getResponseBody()).isEqualTo(first.getResponseBody());
    assertThat(drawn()).isEqualTo(drawnAfterFirst);

    String known = etag;
    http.get().uri(uri).header(HttpHeaders.IF_NONE_MATCH, "\"0000\", " + known).exchange()
        .expectStatus().isNotModified().expectHeader().valueEquals(HttpHeaders.ETAG, known)
        .expectBody().isEmpty();
    assertThat(drawn()).isEqualTo(drawnAfterFirst);

    // Another referrer is another QR code: another version, drawn.
    EntityExchangeResult<byte[]> referred = poster(uri + "?referrer=leader-7", null);
    assertThat(referred.getResponseHeaders().getETag()).isNotEqualTo(etag);
    assertThat(drawn()).isEqualTo(drawnAfterFirst + 1);
  }

  @Test
  void manyAskingAtOnceForANewVersionShareOneDrawing() throws Exception {
    Shop shop = new Shop(http);
    long activity = shop.schedule("shop-1", Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    int requests = 16;
    ExecutorService askers = Executors.newFixedThreadPool(requests);
    try {
      // Each attempt asks for a version nobody drew (a new referrer); when the countdown's minute
      // turns amid one, two versions are asked for and the attempt tells nothing: try again.
      for (int attempt = 0; attempt < 3; attempt++) {
        String uri = "/api/v1/activities/" + activity + "/poster.png?referrer=crowd-" + attempt;
        double before = drawn();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<EntityExchangeResult<byte[]>>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          answers.add(askers.submit(() -> {
            start.await();
            return poster(uri, null);
          }));
        }
        start.countDown();
        List<EntityExchangeResult<byte[]>> results = new ArrayList<>();
        for (Future<EntityExchangeResult<byte[]>> answer : answers) {
          results.add(answer.get(60, TimeUnit.SECONDS));
        }
        Set<String> versions = results.stream().map(r -> r.getResponseHeaders().getETag()).collect(Collectors.toSet());
        if (versions.size() == 1) {
          assertThat(drawn()).isEqualTo(before + 1);
          byte[] png = results.get(0).getResponseBody();
          assertThat(results).allSatisfy(r -> assertThat(r.getResponseBody()).isEqualTo(png));
          return;
        }
      }
      throw new AssertionError("the countdown's minute turned in every attempt");
    } finally {
      askers.shutdownNow();
    }
  }

  private EntityExchangeResult<byte[]> poster(String uri, String ifNoneMatch) {
    return http.get().uri(uri).headers(h -> {
          if (ifNoneMatch != null) {
            h.setIfNoneMatch(ifNoneMatch);
          }
        }).exchange()
        .expectStatus().isOk().expectHeader().contentType("image/png")
        .expectBody(byte[].class).returnResult();
  }

  private double drawn() {
    return meters.get("flashgroup.posters.drawn").counter().count();
  }
}
