package dev.flashgroup.engine.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import cn.binarywang.wx.miniapp.api.WxMaService;
import cn.binarywang.wx.miniapp.api.impl.WxMaServiceImpl;
import cn.binarywang.wx.miniapp.config.impl.WxMaDefaultConfigImpl;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import reactor.test.StepVerifier;

/**
 * code2session as buyer login sees it: a session, a code WeChat refused (the caller's fault), or
 * WeChat failing for a reason of ours, which leaves as {@link WechatUnavailable} and never as
 * WxJava's exception. WeChat answers errors with HTTP 200 and an errcode, as this server does.
 */
class MiniProgramSessionsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private HttpServer wechat;
  private volatile String answer;
  private MiniProgramSessions sessions;

  @BeforeEach
  void startWechat() throws IOException {
    wechat = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    wechat.createContext("/", exchange -> {
      byte[] body = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    wechat.start();
    WxMaDefaultConfigImpl config = new WxMaDefaultConfigImpl();
    config.setAppid("wx-app");
    config.setSecret("secret");
    config.setApiHostUrl("http://127.0.0.1:" + wechat.getAddress().getPort());
    WxMaService service = new WxMaServiceImpl();
    service.setWxMaConfig(config);
    sessions = new MiniProgramSessions(new StaticListableBeanFactory(Map.of("wxMaService", service))
        .getBeanProvider(WxMaService.class));
  }

  @AfterEach
  void stopWechat() {
    wechat.stop(0);
  }

  @Test
  void codeOfAWechatUserGivesTheirSession() {
    answer = "{\"openid\":\"o-alice\",\"unionid\":\"\",\"session_key\":\"k\"}";
    StepVerifier.create(sessions.exchange("alice.1"))
        .expectNext(new CodeExchange.Session("o-alice", null))
        .expectComplete()
        .verify(PATIENCE);
  }

  @Test
  void codeWechatRefusesIsTheCallersFault() {
    answer = "{\"errcode\":40163,\"errmsg\":\"code been used\"}";
    StepVerifier.create(sessions.exchange("alice.1"))
        .expectNext(new CodeExchange.Refused(40163, "code been used"))
        .expectComplete()
        .verify(PATIENCE);
  }

  @Test
  void wechatFailingForAReasonOfOursIsWechatUnavailable() {
    answer = "{\"errcode\":40125,\"errmsg\":\"invalid appsecret\"}";
    StepVerifier.create(sessions.exchange("alice.1"))
        .expectError(WechatUnavailable.class)
        .verify(PATIENCE);
  }

  @Test
  void withoutTheMiniProgramConfiguredNothingIsAsked() {
    var unconfigured = new MiniProgramSessions(new StaticListableBeanFactory().getBeanProvider(WxMaService.class));
    assertThat(unconfigured.configured()).isFalse();
  }
}
