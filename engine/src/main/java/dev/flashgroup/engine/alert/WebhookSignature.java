package dev.flashgroup.engine.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a webhook delivery is signed, so the receiver can tell it came from flashgroup and was not
 * replayed later: {@value #SIGNATURE_HEADER} is {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>},
 * {@value #TIMESTAMP_HEADER} the epoch seconds of the send, {@value #ID_HEADER} the alert id (the
 * same on every retry, for the receiver to drop duplicates).
 */
public final class WebhookSignature {

  public static final String SIGNATURE_HEADER = "X-Flashgroup-Signature";
  public static final String TIMESTAMP_HEADER = "X-Flashgroup-Timestamp";
  public static final String ID_HEADER = "X-Flashgroup-Delivery";

  private WebhookSignature() {}

  /** The signature header's value for a body sent at {@code timestamp} (epoch seconds, as text). */
  public static String sign(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
