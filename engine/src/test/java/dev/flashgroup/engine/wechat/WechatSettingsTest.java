package dev.flashgroup.engine.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WechatSettingsTest {

  private final WechatSettings settings = new WechatSettings(null, null, null, null, null, null, null, null,
      "http://api.flashgroup-fake.mch.weixin.qq.com:8130", "127.0.0.1", "https://api.weixin.qq.com", null, null,
      Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(2), 10);

  @Test
  void refundBackoffDoublesUpToTenMinutes() {
    assertThat(settings.refundBackoff(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.refundBackoff(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(settings.refundBackoff(9)).isEqualTo(Duration.ofSeconds(512));
    assertThat(settings.refundBackoff(10)).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.refundBackoff(40)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void payHostNameIsWhatTheResolverMapsToTheStandIn() {
    assertThat(settings.payHostName()).isEqualTo("api.flashgroup-fake.mch.weixin.qq.com");
  }
}
