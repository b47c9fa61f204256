package dev.flashgroup.wechatfake;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WeChat Pay's check of a merchant request: {@code Authorization: WECHATPAY2-SHA256-RSA2048
 * mchid=..,nonce_str=..,timestamp=..,serial_no=..,signature=..} over
 * {@code METHOD\nURL\ntimestamp\nnonce\nbody\n}, signed by the merchant's API key.
 */
final class MerchantSignature {

  private static final String SCHEMA = "WECHATPAY2-SHA256-RSA2048 ";
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private MerchantSignature() {}

  /** {@code pathAndQuery} as the request line has it, undecoded: that is what the merchant signed. */
  static boolean verifies(String method, String pathAndQuery, String authorization, String body, String mchId,
      WechatKeys keys) {
    if (authorization == null || !authorization.startsWith(SCHEMA)) {
      return false;
    }
    Map<String, String> token = token(authorization.substring(SCHEMA.length()));
    long timestamp;
    try {
      timestamp = Long.parseLong(token.getOrDefault("timestamp", ""));
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(Instant.now().getEpochSecond() - timestamp) > TOLERANCE.toSeconds()
        || !mchId.equals(token.get("mchid")) || !keys.merchantSerialNo.equals(token.get("serial_no"))) {
      return false;
    }
    String message = method + "\n" + pathAndQuery + "\n" + timestamp + "\n" + token.get("nonce_str") + "\n" + body + "\n";
    return keys.signedByMerchant(message, token.getOrDefault("signature", ""));
  }

  private static Map<String, String> token(String parameters) {
    Map<String, String> token = new LinkedHashMap<>();
    for (String pair : parameters.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        token.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim().replace("\"", ""));
      }
    }
    return token;
  }
}
