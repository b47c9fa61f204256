package dev.flashgroup.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.test.StepVerifier;

/** Which webhook URLs flashgroup calls, and the backoff between sends. */
class WebhookUrlsTest {

  private static WebhookSettings settings(boolean allowPrivate) {
    return new WebhookSettings(8, Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1), 16, 2, 500, allowPrivate, true);
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
    for (String open : List.of("8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.1", "172.32.0.1",
        "223.255.255.254", "2001:db8::1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1")) {
      assertThat(WebhookUrls.isPublic(InetAddress.getByName(open))).as(open).isTrue();
    }
    for (String closed : List.of("0.0.0.0", "0.1.2.3", "10.0.0.1", "100.64.0.1", "100.127.255.255", "127.0.0.1",
        "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.168.1.1", "198.18.0.1", "198.19.255.255",
        "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255")) {
      assertThat(WebhookUrls.isPublic(InetAddress.getByName(closed))).as(closed).isFalse();
    }
  }

  @Test
  void judgesIpv6AddressesAndTheIpv4AddressesTheyCarry() throws Exception {
    for (String closed : List.of("::", "::1", "::127.0.0.1", "::10.0.0.1", "::8.8.8.8", "::ffff:10.0.0.1",
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::808:808", "2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:101::1", "2002:a9fe:a9fe::",
        "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1", "ff05::2")) {
      assertThat(WebhookUrls.isPublic(ipv6(closed))).as(closed).isFalse();
    }
  }

  /** The 16 bytes as written, also for ::ffff: and :: forms, which getByName would turn into IPv4. */
  private static InetAddress ipv6(String text) throws Exception {
    return Inet6Address.getByAddress(null, InetAddress.getByName(text) instanceof Inet6Address v6 ? v6.getAddress()
        : mapped(text), null);
  }

  private static byte[] mapped(String text) throws Exception {
    byte[] v4 = InetAddress.getByName(text.substring(text.lastIndexOf(':') + 1)).getAddress();
    byte[] b = new byte[16];
    if (text.startsWith("::ffff:")) {
      b[10] = (byte) 0xff;
      b[11] = (byte) 0xff;
    }
    System.arraycopy(v4, 0, b, 12, 4);
    return b;
  }

  @Test
  void aSendToAHostThatResolvesToLoopbackIsRefusedWhenTheConnectionIsMade() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.failingFirst(0)) {
      // A URL that passed the check when it was set (or a name rebound since) meets the resolver at send time.
      for (String host : List.of("localhost", "127.0.0.1", "[::ffff:127.0.0.1]")) {
        StepVerifier.create(post(settings(false), "http://" + host + ":" + receiver.port() + "/hook"))
            .expectErrorMatches(e -> e instanceof UnknownHostException
                || e.getCause() instanceof UnknownHostException)
            .verify(Duration.ofSeconds(10));
      }
      assertThat(receiver.all()).isEmpty();
      // With private addresses allowed (the tests' setting), the same client reaches the receiver.
      StepVerifier.create(post(settings(true), receiver.url())).expectNext(500).verifyComplete();
      assertThat(receiver.all()).hasSize(1);
    }
  }

  private static Mono<Integer> post(WebhookSettings settings, String url) {
    return WebhookSender.client(settings).post().uri(url).send(ByteBufFlux.fromString(Mono.just("{}")))
        .response().map(r -> r.status().code());
  }

  @Test
  void aMissingOutboxTableOrDatabaseIsTheDatabaseGoneNotAFailure() {
    assertThat(WebhookSender.databaseGone(new RuntimeException("executeMany",
        new io.r2dbc.spi.R2dbcBadGrammarException("Table 't.webhook_deliveries' doesn't exist", "42S02", 1146)))).isTrue();
    assertThat(WebhookSender.databaseGone(new io.r2dbc.spi.R2dbcBadGrammarException("Unknown database", "42000", 1049)))
        .isTrue();
    assertThat(WebhookSender.databaseGone(new io.r2dbc.spi.R2dbcBadGrammarException("syntax", "42000", 1064))).isFalse();
    assertThat(WebhookSender.databaseGone(new IllegalStateException("other"))).isFalse();
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
