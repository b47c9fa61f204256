package dev.flashgroup.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Which webhook URLs flashgroup calls, and the backoff between sends. */
class WebhookUrlsTest {

  private static WebhookSettings settings(boolean allowPrivate) {
    return new WebhookSettings(8, Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1), 16, 500, allowPrivate, true);
  }

  @Test
  void acceptsHttpAndHttpsUrlsWithAHost() {
    assertThat(WebhookUrls.parse("https://hooks.example.com/flashgroup?x=1", 500).getHost()).isEqualTo("hooks.example.com");
    assertThat(WebhookUrls.parse("http://93.184.216.34:8080/h", 500).getPort()).isEqualTo(8080);
  }

  @Test
  void refusesOtherSchemesUserInfoFragmentsSpacesAndLongUrls() {
    for (String bad : List.of("", "ftp://example.com/", "javascript:alert(1)", "//example.com/", "https:///path",
        "https://u:p@example.com/", "https://example.com/#frag", "https://example.com/a b", "https://example.com/\n",
        "https://example.com/" + "x".repeat(490))) {
      assertThatThrownBy(() -> WebhookUrls.parse(bad, 500)).as(bad).isInstanceOf(InvalidWebhookUrl.class);
    }
  }

  @Test
  void inProductionRefusesLoopbackPrivateAndLinkLocalHosts() {
    for (String host : List.of("127.0.0.1", "[::1]", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "[fd00::1]", "[fe80::1]", "localhost")) {
      StepVerifier.create(WebhookUrls.check("http://" + host + "/hook", settings(false)))
          .expectError(InvalidWebhookUrl.class).verify(Duration.ofSeconds(10));
    }
    StepVerifier.create(WebhookUrls.check("http://93.184.216.34/hook", settings(false)))
        .expectNextCount(1).verifyComplete();
  }

  @Test
  void aSettingAllowsPrivateHostsForTests() {
    StepVerifier.create(WebhookUrls.check("http://127.0.0.1:9/hook", settings(true))).expectNextCount(1)
        .verifyComplete();
  }

  @Test
  void judgesAddressesByTheirRange() throws Exception {
    assertThat(WebhookUrls.isPublic(InetAddress.getByName("8.8.8.8"))).isTrue();
    assertThat(WebhookUrls.isPublic(InetAddress.getByName("2001:db8::1"))).isTrue();
    assertThat(WebhookUrls.isPublic(InetAddress.getByName("::ffff:10.0.0.1"))).isFalse();
    assertThat(WebhookUrls.isPublic(InetAddress.getByName("198.18.0.1"))).isFalse();
  }

  @Test
  void theBackoffDoublesFromTheBaseUpToTheMax() {
    WebhookSettings s = settings(false);
    assertThat(List.of(s.delayAfter(1), s.delayAfter(2), s.delayAfter(3), s.delayAfter(8), s.delayAfter(60)))
        .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(256),
            Duration.ofMinutes(10));
  }

  @Test
  void signsTimestampDotBody() {
    // Known answer: HMAC-SHA256("secret", "1700000000.{}"), as `openssl dgst -sha256 -hmac secret` gives it.
    assertThat(WebhookSignature.sign("secret", "1700000000", "{}".getBytes()))
        .isEqualTo("sha256=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163");
  }
}
