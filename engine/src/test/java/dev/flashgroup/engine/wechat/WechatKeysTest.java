package dev.flashgroup.engine.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Start-up stops at a wrong WeChat Pay key with a message naming the setting, and never the key. */
class WechatKeysTest {

  private static final KeyPair KEYS = rsa();
  private static final String PRIVATE = pem("PRIVATE KEY", KEYS.getPrivate().getEncoded());
  private static final String PUBLIC = pem("PUBLIC KEY", KEYS.getPublic().getEncoded());
  private static final String V3_KEY = "0123456789abcdef0123456789abcdef";

  @Test
  void goodKeysMakeAClient() throws Exception {
    assertThat(new WechatClients().wxPayService(settings(V3_KEY, PRIVATE, PUBLIC))).isNotNull();
  }

  @Test
  void aPrivateKeyThatIsNotOneStopsStartUpNamingTheSetting() {
    String broken = PRIVATE.replace(PRIVATE.substring(40, 60), "AAAAAAAAAAAAAAAAAAAA");
    assertThatThrownBy(() -> new WechatClients().wxPayService(settings(V3_KEY, broken, PUBLIC)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("flashgroup.wechat.private-key")
        .message().doesNotContain(broken.substring(30, 90));
    assertThatThrownBy(() -> new WechatClients().wxPayService(settings(V3_KEY, PUBLIC, PUBLIC)))
        .hasMessageContaining("flashgroup.wechat.private-key");
  }

  @Test
  void aPublicKeyThatIsNotOneStopsStartUpNamingTheSetting() {
    assertThatThrownBy(() -> new WechatClients().wxPayService(settings(V3_KEY, PRIVATE, "not a key")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("flashgroup.wechat.public-key");
  }

  @Test
  void anApiV3KeyOfTheWrongLengthStopsStartUp() {
    assertThatThrownBy(() -> new WechatClients().wxPayService(settings("short", PRIVATE, PUBLIC)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("flashgroup.wechat.api-v3-key")
        .message().doesNotContain("short");
  }

  @Test
  void aMissingSettingIsNamed() {
    assertThatThrownBy(() -> new WechatClients().wxPayService(settings(V3_KEY, "", PUBLIC)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("FLASHGROUP_WECHAT_PRIVATE_KEY");
  }

  private static WechatSettings settings(String v3Key, String privateKey, String publicKey) {
    return new WechatSettings("1900000001", "wx0000000000000001", null, v3Key, "SERIAL0001", privateKey, "PUB_KEY_ID_0001",
        publicKey, "https://api.mch.weixin.qq.com", null, "https://api.weixin.qq.com", "https://example.org/notify",
        "https://example.org/refund-notify", Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(2), 10);
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
