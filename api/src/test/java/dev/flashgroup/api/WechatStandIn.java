package dev.flashgroup.api;

import dev.flashgroup.wechatfake.FakeWechat;
import dev.flashgroup.wechatfake.SignedNotification;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The local WeChat for a test class, and the application's settings to use it: the real WxJava
 * client signs its requests and verifies the stand-in's answers and notifications.
 */
final class WechatStandIn {

  /** One per test class: the stand-in must know where to send notifications before the app starts. */
  static final int APP_PORT = freePort();
  static final FakeWechat WECHAT = standIn();

  private WechatStandIn() {}

  static void register(DynamicPropertyRegistry registry) {
    WECHAT.appSettings().forEach((name, value) -> registry.add(name, () -> value));
    registry.add("server.port", () -> APP_PORT);
    registry.add("flashgroup.payment.gateway", () -> "wechat");
    registry.add("flashgroup.wechat.notify-url", () -> "http://127.0.0.1:" + APP_PORT + "/api/v1/payments/wechat/notify");
    registry.add("flashgroup.wechat.refund-notify-url",
        () -> "http://127.0.0.1:" + APP_PORT + "/api/v1/payments/wechat/refund-notify");
    registry.add("flashgroup.wechat.reconcile-after", () -> "PT1S");
    registry.add("flashgroup.wechat.reconcile-interval", () -> "PT0.2S");
  }

  /** Logs a buyer in through the mini-program flow and returns our token. */
  static String login(WebTestClient http, String code) {
    Map<?, ?> body = http.post().uri("/api/v1/auth/wechat").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("code", code)).exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    return (String) body.get("token");
  }

  static WebTestClient.ResponseSpec post(WebTestClient http, String uri, SignedNotification notification) {
    return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON)
        .headers(h -> notification.headers().forEach(h::set))
        .bodyValue(notification.body()).exchange();
  }

  static String outTradeNo(Object orderId) {
    return "FG-" + orderId;
  }

  /** WeChat Pay takes https notify URLs only; the app under test listens on loopback without TLS. */
  private static FakeWechat standIn() {
    FakeWechat wechat = FakeWechat.start(0);
    wechat.acceptLoopbackHttpNotifyUrls(true);
    return wechat;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
