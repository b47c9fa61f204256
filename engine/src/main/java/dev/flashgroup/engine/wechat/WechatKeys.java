package dev.flashgroup.engine.wechat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Checks the WeChat Pay keys at start-up, so a wrong one stops the application with a message that
 * names the setting (WxJava's own failure says only "v3请求构造异常"). Messages never contain a key.
 */
final class WechatKeys {

  private WechatKeys() {}

  /** The API v3 key decrypts notifications with AES-256-GCM: exactly 32 bytes. */
  static String apiV3Key(String key) {
    if (key.getBytes(StandardCharsets.UTF_8).length != 32) {
      throw new IllegalStateException("flashgroup.wechat.api-v3-key (FLASHGROUP_WECHAT_API_V3_KEY) must be the 32-character"
          + " API v3 key set in the WeChat Pay merchant platform");
    }
    return key;
  }

  /** The merchant API private key (apiclient_key.pem): PKCS#8 RSA. */
  static String privateKey(String pem) {
    return checked(pem, "private-key", "private key (PKCS#8, the content of apiclient_key.pem)",
        (rsa, der) -> rsa.generatePrivate(new PKCS8EncodedKeySpec(der)));
  }

  /** WeChat Pay's public key (pub_key.pem): X.509 RSA. */
  static String publicKey(String pem) {
    return checked(pem, "public-key", "public key (the content of WeChat Pay's pub_key.pem)",
        (rsa, der) -> rsa.generatePublic(new X509EncodedKeySpec(der)));
  }

  private interface KeyReader {
    void read(KeyFactory rsa, byte[] der) throws GeneralSecurityException;
  }

  private static String checked(String pem, String setting, String what, KeyReader reader) {
    try {
      reader.read(KeyFactory.getInstance("RSA"), der(pem));
      return pem;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("flashgroup.wechat." + setting + " (FLASHGROUP_WECHAT_"
          + setting.toUpperCase().replace('-', '_') + ") is not a PEM RSA " + what, e);
    }
  }

  private static byte[] der(String pem) {
    String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replace("\\n", "").replaceAll("\\s", "");
    if (base64.isEmpty()) {
      throw new IllegalArgumentException("no key between the PEM lines");
    }
    return Base64.getDecoder().decode(base64);
  }
}
