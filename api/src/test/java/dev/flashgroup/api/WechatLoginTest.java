package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Mini-program login through WxJava's code2session against the local WeChat. */
@IsolatedServices
@ApiTest
@ExtendWith(OutputCaptureExtension.class)
class WechatLoginTest {

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;

  @DynamicPropertySource
  static void wechat(DynamicPropertyRegistry registry) {
    WechatStandIn.register(registry);
  }

  @Test
  void goodCodeGivesOurTokenAndTheSamePersonStaysTheSameBuyer() {
    Map<?, ?> first = login("carol.1").expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    Map<?, ?> again = login("carol.2").expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();

    assertThat(first.get("buyerId")).isEqualTo(again.get("buyerId"));
    assertThat(first.get("tokenType")).isEqualTo("Bearer");
    assertThat(first.keySet().stream().map(String::valueOf).toList()).doesNotContain("sessionKey", "session_key", "openid");
    // The token is ours: the API accepts it.
    http.get().uri("/api/v1/orders/1-1").headers(h -> h.setBearerAuth((String) first.get("token"))).exchange()
        .expectStatus().isNotFound();
    assertThat(db.sql("SELECT COUNT(*) AS n FROM buyers WHERE openid = 'o-carol' AND unionid = 'u-carol'")
        .map(r -> r.get("n", Long.class)).one().block()).isEqualTo(1);
  }

  @Test
  void wechatCredentialsAndSessionKeysStayOutOfTheLog(CapturedOutput output) {
    login("erin.1").expectStatus().isOk();
    login("erin.1").expectStatus().isUnauthorized();
    login("no-such-code").expectStatus().isUnauthorized();

    assertThat(WechatStandIn.WECHAT.accessTokens()).isNotEmpty()
        .allSatisfy(token -> assertThat(output.getAll()).doesNotContain(token));
    assertThat(output.getAll()).doesNotContain(WechatStandIn.WECHAT.appSettings().get("flashgroup.wechat.app-secret"))
        .doesNotContain("session_key").doesNotContain("o-erin");
  }

  @Test
  void badOrReusedCodeGets401() {
    login("dave.1").expectStatus().isOk();
    login("dave.1").expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("INVALID_CODE");
    login("no-such-code").expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("INVALID_CODE");
    // Not a code at all: refused before WeChat is asked.
    login("").expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST");
  }

  private WebTestClient.ResponseSpec login(String code) {
    return http.post().uri("/api/v1/auth/wechat").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("code", code)).exchange();
  }
}
