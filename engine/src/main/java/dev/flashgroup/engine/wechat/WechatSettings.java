package dev.flashgroup.engine.wechat;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The merchant's WeChat Pay account and the mini-program, all from the environment
 * ({@code FLASHGROUP_WECHAT_*}); nothing secret has a committed value.
 *
 * @param mchId merchant id (商户号)
 * @param appId the mini-program's AppID
 * @param appSecret the mini-program's AppSecret (code2session)
 * @param apiV3Key the merchant's API v3 key (decrypts notifications), 32 characters
 * @param merchantSerialNo serial number of the merchant API certificate whose key signs requests
 * @param privateKey the merchant API private key, PEM (apiclient_key.pem)
 * @param publicKeyId WeChat Pay public key id (PUB_KEY_ID_...), public-key mode
 * @param publicKey WeChat Pay public key, PEM (pub_key.pem): verifies answers and notifications
 * @param payHost WeChat Pay API host
 * @param payHostAddress an IP address to reach {@code payHost} at instead of DNS; only for the local
 *     stand-in, whose made-up host name must stay under .mch.weixin.qq.com for WxJava to sign
 * @param miniProgramHost the mini-program API host (code2session)
 * @param notifyUrl where WeChat Pay posts payment notifications (public HTTPS in production)
 * @param refundNotifyUrl where WeChat Pay posts refund notifications
 * @param notificationTolerance how far a notification's timestamp may be from our clock
 * @param reconcileAfter how long to wait for a notification before asking WeChat Pay
 * @param reconcileInterval pause between reconciliation rounds
 * @param refundAttempts failed refund calls before a refund is marked ABNORMAL for a person
 */
@ConfigurationProperties("flashgroup.wechat")
public record WechatSettings(
    String mchId,
    String appId,
    String appSecret,
    String apiV3Key,
    String merchantSerialNo,
    String privateKey,
    String publicKeyId,
    String publicKey,
    @DefaultValue("https://api.mch.weixin.qq.com") String payHost,
    String payHostAddress,
    @DefaultValue("https://api.weixin.qq.com") String miniProgramHost,
    String notifyUrl,
    String refundNotifyUrl,
    @DefaultValue("PT5M") Duration notificationTolerance,
    @DefaultValue("PT1M") Duration reconcileAfter,
    @DefaultValue("PT2S") Duration reconcileInterval,
    @DefaultValue("10") int refundAttempts) {

  public String payHostName() {
    return URI.create(payHost).getHost();
  }

  /** Backoff before the next try of a refund that failed {@code attempts} times: doubling, at most 10 minutes. */
  public Duration refundBackoff(int attempts) {
    long seconds = Math.min(600, 1L << Math.min(attempts, 10));
    return Duration.ofSeconds(seconds);
  }
}
