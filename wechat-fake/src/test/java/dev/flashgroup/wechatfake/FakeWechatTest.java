package dev.flashgroup.wechatfake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's own guards. Its happy paths run in the api module's tests, through WxJava; here:
 * it turns away requests a real WeChat Pay would, and its notifications verify with its public key.
 */
class FakeWechatTest {

  private static final FakeWechat WECHAT = FakeWechat.start(0);
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterAll
  static void stop() {
    WECHAT.close();
  }

  @Test
  void refusesAnUnsignedMerchantRequest() throws Exception {
    int before = WECHAT.rejectedRequests();
    HttpResponse<String> response = post("/v3/pay/transactions/jsapi", null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("SIGN_ERROR");
    assertThat(WECHAT.rejectedRequests()).isEqualTo(before + 1);
  }

  @Test
  void refusesARequestSignedWithAnotherKey() throws Exception {
    String settings = WECHAT.appSettings().get("flashgroup.wechat.mch-id");
    String serial = WECHAT.appSettings().get("flashgroup.wechat.merchant-serial-no");
    String authorization = "WECHATPAY2-SHA256-RSA2048 mchid=\"" + settings + "\",nonce_str=\"abc\",timestamp=\""
        + Instant.now().getEpochSecond() + "\",serial_no=\"" + serial + "\",signature=\"Zm9yZ2Vk\"";
    assertThat(post("/v3/pay/transactions/jsapi", authorization).statusCode()).isEqualTo(401);
  }

  @Test
  void notificationsVerifyWithTheAdvertisedPublicKey() throws Exception {
    SignedNotification n = WECHAT.paymentNotification("FG-1-1", "4200000001", 100, Instant.now());
    Map<String, String> h = n.headers();
    String message = h.get("Wechatpay-Timestamp") + "\n" + h.get("Wechatpay-Nonce") + "\n" + n.body() + "\n";
    String pem = WECHAT.appSettings().get("flashgroup.wechat.public-key")
        .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    var key = java.security.KeyFactory.getInstance("RSA")
        .generatePublic(new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
    assertThat(WechatKeys.verify(key, message, h.get("Wechatpay-Signature"))).isTrue();
    assertThat(WechatKeys.verify(key, message.replace("TRANSACTION.SUCCESS", "TRANSACTION.CLOSED"), h.get("Wechatpay-Signature"))).isFalse();
    assertThat(h.get("Wechatpay-Serial")).isEqualTo(WECHAT.appSettings().get("flashgroup.wechat.public-key-id"));
  }

  @Test
  void codeWorksOnceAndAWrongSecretIsRefused() throws Exception {
    Map<String, String> s = WECHAT.appSettings();
    String query = "/sns/jscode2session?appid=" + s.get("flashgroup.wechat.app-id") + "&secret="
        + s.get("flashgroup.wechat.app-secret") + "&grant_type=authorization_code&js_code=erin.1";
    assertThat(get(query)).contains("\"openid\":\"o-erin\"");
    assertThat(get(query)).contains("40163");
    assertThat(get(query.replace("secret=", "secret=x"))).contains("40125");
  }

  @Test
  void sendsASubscribeMessageOnlyWithAnAccessTokenItIssued() throws Exception {
    Map<String, String> s = WECHAT.appSettings();
    String token = get("/cgi-bin/token?grant_type=client_credential&appid=" + s.get("flashgroup.wechat.app-id")
        + "&secret=" + s.get("flashgroup.wechat.app-secret")).replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    String message = "{\"touser\":\"o-ivy\",\"template_id\":\"T1\",\"page\":\"pages/order\","
        + "\"data\":{\"thing4\":{\"value\":\"提货\"}}}";
    int before = WECHAT.subscribeMessages().size();

    assertThat(send("forged-token", message)).contains("40001");
    assertThat(send(token, "{\"touser\":\"o-ivy\"}")).contains("47003");
    WECHAT.failNextSubscribeMessages(1);
    assertThat(send(token, message)).contains("45009");
    assertThat(WECHAT.subscribeMessages()).hasSize(before);

    assertThat(send(token, message)).contains("\"errcode\":0");
    assertThat(WECHAT.subscribeMessages()).hasSize(before + 1).last()
        .isEqualTo(new SubscribeMessage("o-ivy", "T1", "pages/order", "", Map.of("thing4", "提货")));
  }

  private String send(String token, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + WECHAT.port()
            + "/cgi-bin/message/subscribe/send?access_token=" + token))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private HttpResponse<String> post(String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + WECHAT.port() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String get(String pathAndQuery) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + WECHAT.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
