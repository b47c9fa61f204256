package dev.flashgroup.wechatfake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A merchant's notify endpoint on loopback: takes every notification the stand-in posts, answers
 * 204, and keeps each with its header names spelt exactly as they arrived.
 */
final class NotificationInbox implements AutoCloseable {

  /** One delivery: the path it was posted to, its headers in order and spelling, and its body. */
  record Delivery(String path, List<Map.Entry<String, String>> headers, String body) {

    /** A header by its exact spelling, as the SDK's own lookups are: a respelt one is missing. */
    String header(String name) {
      return headers.stream().filter(h -> h.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }
  }

  private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  private final DisposableServer server;

  NotificationInbox() {
    server = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .doOnNext(body -> {
              List<Map.Entry<String, String>> headers = new ArrayList<>();
              request.requestHeaders().forEach(h -> headers.add(Map.entry(h.getKey(), h.getValue())));
              deliveries.add(new Delivery(java.net.URI.create(request.uri()).getPath(), List.copyOf(headers), body));
            })
            .then(response.status(204).send()))
        .bindNow();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  /** The next delivery to {@code path}, waiting at most {@code patience}; others on the way are dropped. */
  Delivery next(String path, Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      Delivery d = deliveries.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (d == null) {
        throw new AssertionError("no notification to " + path + " within " + patience);
      }
      if (d.path().endsWith(path)) {
        return d;
      }
    }
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
