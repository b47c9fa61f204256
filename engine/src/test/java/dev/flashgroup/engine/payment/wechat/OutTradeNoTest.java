package dev.flashgroup.engine.payment.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutTradeNoTest {

  @Test
  void shortestOrderIdStillMeetsWechatsMinimumLength() {
    assertThat(OutTradeNo.of("1-1")).hasSizeGreaterThanOrEqualTo(6).isEqualTo("FG-1-1");
  }

  @Test
  void namesItsOrderBack() {
    assertThat(OutTradeNo.orderId(OutTradeNo.of("42-7"))).isEqualTo("42-7");
  }

  @Test
  void foreignNumbersNameNoOrder() {
    assertThat(OutTradeNo.orderId("1217752501201407033233368018")).isNull();
    assertThat(OutTradeNo.orderId(null)).isNull();
  }
}
