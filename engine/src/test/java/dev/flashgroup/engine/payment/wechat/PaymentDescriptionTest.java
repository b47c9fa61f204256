package dev.flashgroup.engine.payment.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PaymentDescriptionTest {

  @Test
  void isTheActivitysTitle() {
    assertThat(PaymentDescription.of("韶关砂糖橘 5 kg", "1-1")).isEqualTo("韶关砂糖橘 5 kg");
  }

  @Test
  void isCutAfter127CharactersNotBytes() {
    String cut = PaymentDescription.of("橘".repeat(200), "1-1");
    assertThat(cut).isEqualTo("橘".repeat(127));
    assertThat(cut.codePointCount(0, cut.length())).isEqualTo(PaymentDescription.MAX_CHARACTERS);
  }

  @Test
  void leavesOutCharactersWechatPayCannotTakeAndNeverSplitsOne() {
    // An emoji is two Java chars (a surrogate pair) and four UTF-8 bytes: API v3 refuses it.
    String title = "橘".repeat(126) + "\uD83C\uDF4A" + "柚子";
    String cut = PaymentDescription.of(title, "1-1");
    assertThat(cut).isEqualTo("橘".repeat(126) + "柚");
    assertThat(cut.chars().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
  }

  @Test
  void aTitleOfOnlyEmojiFallsBackToTheOrder() {
    assertThat(PaymentDescription.of("\uD83C\uDF4A\uD83C\uDF4A", "7-3")).isEqualTo("flashgroup order 7-3");
  }
}
