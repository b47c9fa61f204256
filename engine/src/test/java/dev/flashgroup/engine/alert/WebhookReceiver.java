package dev.flashgroup.engine.alert;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A merchant's webhook endpoint for tests: the JDK's HTTP server on a free loopback port. It checks
 * each request's signature as a receiver would (HMAC-SHA256 over timestamp + "." + body), answers
 * the first {@code failFirst} requests 500, and keeps the accepted deliveries deduplicated by their
 * idempotency id. A hanging receiver holds every request until {@link #release()}. The api module's
 * tests use it too (the engine's test jar).
 */
public final class WebhookReceiver implements AutoCloseable {

  /** A request as received: its idempotency id, body, and whether the signature held. */
  public record Received(String id, String body, boolean signed) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final int failFirst;
  private final CountDownLatch hang;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Received> all = new CopyOnWriteArrayList<>();
  private final List<Received> accepted = new CopyOnWriteArrayList<>();
  private volatile String secret = "";

  private WebhookReceiver(int failFirst, boolean hanging) throws IOException {
    this.failFirst = failFirst;
    this.hang = new CountDownLatch(hanging ? 1 : 0);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** Answers 500 to the first {@code failFirst} requests, then 200. */
  public static WebhookReceiver failingFirst(int failFirst) throws IOException {
    return new WebhookReceiver(failFirst, false);
  }

  /** Holds every request without answering until released. */
  public static WebhookReceiver hanging() throws IOException {
    return new WebhookReceiver(0, true);
  }

  public String url() {
    return "http://127.0.0.1:" + port() + "/hook";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void secret(String secret) {
    this.secret = secret;
  }

  public List<Received> all() {
    return all;
  }

  /** Accepted deliveries, one per idempotency id (a repeat is answered 200 and not kept again). */
  public List<Received> accepted() {
    return accepted;
  }

  public void release() {
    hang.countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String timestamp = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
      String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
      String id = exchange.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
      boolean signed = timestamp != null && signature != null && MessageDigest.isEqual(
          WebhookSignature.sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII),
          signature.getBytes(StandardCharsets.US_ASCII));
      Received received = new Received(id, new String(body, StandardCharsets.UTF_8), signed);
      all.add(received);
      if (!hang.await(60, TimeUnit.SECONDS)) {
        return;
      }
      int status = requests.incrementAndGet() <= failFirst || !signed ? 500 : 200;
      if (status == 200 && accepted.stream().noneMatch(r -> r.id().equals(id))) {
        accepted.add(received);
      }
      exchange.sendResponseHeaders(status, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    threads.shutdownNow();
  }
}
