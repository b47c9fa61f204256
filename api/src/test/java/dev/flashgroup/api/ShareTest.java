package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.flashgroup.engine.support.IsolatedServices;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The share card and the poster of a group. */
@IsolatedServices
@ApiTest
class ShareTest {

  @Autowired WebTestClient http;
  Shop shop;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
  }

  @Test
  void theShareCardSaysHowManyAreMissingAndThePrice() {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Object groupId = shop.open("alice", activity).get("groupId");

    Map<?, ?> card = card(groupId, "bob");

    assertThat((String) card.get("title")).contains("还差2人").contains("¥29.90").contains("Shaoguan mandarins 5 kg");
    assertThat(card.get("missing")).isEqualTo(2);
    assertThat(card.get("groupPrice")).isEqualTo(2990);
    assertThat(card.get("soloPrice")).isEqualTo(3990);
    assertThat(card.get("path")).isEqualTo("/pages/group/index?groupId=" + groupId + "&referrer=bob");
    assertThat(((Map<?, ?>) card.get("opener")).get("displayName")).isEqualTo("a***e");
    assertThat(card.get("imageUrl")).isEqualTo("/api/v1/groups/" + groupId + "/poster.png?referrer=bob");

    shop.join("carol", groupId);
    assertThat((String) card(groupId, "bob").get("title")).contains("还差1人");
  }

  @Test
  void thePostersQrCodeDecodesBackToTheSharePath() throws Exception {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Object groupId = shop.open("alice", activity).get("groupId");
    Map<?, ?> card = card(groupId, "bob");

    byte[] png = http.get().uri((String) card.get("imageUrl")).exchange()
        .expectStatus().isOk()
        .expectHeader().contentType(MediaType.IMAGE_PNG)
        .expectBody(byte[].class).returnResult().getResponseBody();

    assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(750);
    assertThat(decode(png)).isEqualTo(card.get("path"));
  }

  /** What the poster's QR code says, read back with ZXing's reader. */
  private static String decode(byte[] png) throws Exception {
    BufferedImage poster = ImageIO.read(new ByteArrayInputStream(png));
    var bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(poster)));
    return new QRCodeReader().decode(bitmap).getText();
  }

  @Test
  void aChineseTitleIsDrawnOrLeftOutButThePosterStillCarriesItsCode() throws Exception {
    // This machine may have no font with Chinese glyphs (fc-list :lang=zh); the poster degrades.
    Map<String, Object> body = Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5));
    body.put("title", "韶关沙田柚 5 斤装，今晚八点开抢，一年只此一季，错过再等一年");
    long activity = shop.schedule("shop-1", body);
    Object groupId = shop.open("alice", activity).get("groupId");

    byte[] png = http.get().uri("/api/v1/groups/" + groupId + "/poster.png").exchange()
        .expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();

    assertThat(decode(png)).isEqualTo("/pages/group/index?groupId=" + groupId);
    assertThat((String) card(groupId, "bob").get("title")).startsWith("还差1人成团！¥29.90 拼 韶关沙田柚");
  }

  @Test
  void aSharerIdThatIsNoSafeReferrerNeverGetsPastTheToken() {
    long activity = shop.schedule("shop-1", Shop.activity(3, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    Object groupId = shop.open("alice", activity).get("groupId");

    // A subject outside the token alphabet is refused before any handler could put it in an address.
    http.get().uri("/api/v1/groups/" + groupId + "/share-card")
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "bob&referrer=mallory#x"))).exchange()
        .expectStatus().isUnauthorized();
  }

  @Test
  void unknownGroupsAndForgedReferrersAreProblems() {
    http.get().uri("/api/v1/groups/999-1/share-card").headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", "bob")))
        .exchange().expectStatus().isEqualTo(HttpStatus.NOT_FOUND).expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
    http.get().uri("/api/v1/groups/999-1/poster.png").exchange()
        .expectStatus().isEqualTo(HttpStatus.NOT_FOUND).expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
    http.get().uri("/api/v1/groups/999-1/poster.png?referrer=<script>").exchange()
        .expectStatus().isEqualTo(HttpStatus.BAD_REQUEST).expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST");
    http.get().uri("/api/v1/groups/999-1/share-card").exchange().expectStatus().isUnauthorized();
  }

  private Map<?, ?> card(Object groupId, String sharer) {
    return http.get().uri("/api/v1/groups/" + groupId + "/share-card")
        .headers(h -> h.setBearerAuth(Tokens.of("CUSTOMER", sharer)))
        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
  }
}
