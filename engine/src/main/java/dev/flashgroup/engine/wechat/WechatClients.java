package dev.flashgroup.engine.wechat;

import cn.binarywang.wx.miniapp.api.WxMaService;
import cn.binarywang.wx.miniapp.api.impl.WxMaServiceImpl;
import cn.binarywang.wx.miniapp.config.impl.WxMaDefaultConfigImpl;
import com.github.binarywang.wxpay.config.WxPayConfig;
import com.github.binarywang.wxpay.exception.WxPayException;
import com.github.binarywang.wxpay.service.WxPayService;
import com.github.binarywang.wxpay.service.impl.WxPayServiceImpl;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.http.impl.conn.SystemDefaultDnsResolver;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * WxJava's clients. Both are blocking: every call goes through {@code Schedulers.boundedElastic()}.
 * WeChat Pay runs in public-key mode (WxJava 4.7.7+): responses and notifications are verified with
 * the configured WeChat Pay public key, and no platform certificate is downloaded.
 */
@Configuration(proxyBeanMethods = false)
class WechatClients {

  @Bean
  @ConditionalOnProperty(name = "flashgroup.payment.gateway", havingValue = "wechat")
  WxPayService wxPayService(WechatSettings settings) throws WxPayException, UnknownHostException {
    WxPayConfig config = new WxPayConfig();
    config.setAppId(required(settings.appId(), "app-id"));
    config.setMchId(required(settings.mchId(), "mch-id"));
    config.setApiV3Key(WechatKeys.apiV3Key(required(settings.apiV3Key(), "api-v3-key")));
    config.setCertSerialNo(required(settings.merchantSerialNo(), "merchant-serial-no"));
    config.setPrivateKeyString(WechatKeys.privateKey(required(settings.privateKey(), "private-key")));
    config.setPublicKeyId(required(settings.publicKeyId(), "public-key-id"));
    config.setPublicKeyString(WechatKeys.publicKey(required(settings.publicKey(), "public-key")));
    config.setFullPublicKeyModel(true);
    config.setApiHostUrl(settings.payHost());
    config.setNotifyUrl(required(settings.notifyUrl(), "notify-url"));
    if (settings.payHostAddress() != null && !settings.payHostAddress().isBlank()) {
      String host = settings.payHostName();
      InetAddress[] address = {InetAddress.getByName(settings.payHostAddress())};
      config.setApiV3HttpClientBuilderCustomizer(builder -> builder.setDnsResolver(
          name -> host.equalsIgnoreCase(name) ? address : SystemDefaultDnsResolver.INSTANCE.resolve(name)));
    }
    // Eagerly, at start-up: loads the keys (file-free, but failing fast on a bad key) and sets
    // the signer and verifier that JSAPI signing and notification checks use.
    try {
      config.initApiV3HttpClient();
    } catch (WxPayException | RuntimeException e) {
      throw new IllegalStateException("WeChat Pay client could not be set up from flashgroup.wechat.* (keys, ids, pay-host): "
          + e.getMessage(), e);
    }
    WxPayService service = new WxPayServiceImpl();
    service.setConfig(config);
    return service;
  }

  @Bean
  @ConditionalOnProperty(name = "flashgroup.wechat.app-secret")
  WxMaService wxMaService(WechatSettings settings) {
    WxMaDefaultConfigImpl config = new WxMaDefaultConfigImpl();
    config.setAppid(required(settings.appId(), "app-id"));
    config.setSecret(required(settings.appSecret(), "app-secret"));
    config.setApiHostUrl(settings.miniProgramHost());
    WxMaService service = new WxMaServiceImpl();
    service.setWxMaConfig(config);
    return service;
  }

  static String required(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("flashgroup.wechat." + name + " (FLASHGROUP_WECHAT_"
          + name.toUpperCase().replace('-', '_') + ") must be set to use WeChat");
    }
    return value;
  }
}
