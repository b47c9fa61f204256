package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The refund numbers the scripts derive, and which of them are an order's own. */
class RefundNumberTest {

  @Test
  void numbersAreTheScriptsNumbers() {
    assertThat(RefundNumber.fullRefund("42-7").value()).isEqualTo("RF42-7");
    assertThat(RefundNumber.tierDifference("42-7").value()).isEqualTo("RD42-7");
    assertThat(RefundNumber.returned("4200000123").value()).isEqualTo("RF4200000123");
  }

  @Test
  void anOrdersFullRefundAndTierDifferenceAreItsOwn() {
    assertThat(RefundNumber.fullRefund("42-7").isOrdersOwn("42-7")).isTrue();
    assertThat(RefundNumber.tierDifference("42-7").isOrdersOwn("42-7")).isTrue();
  }

  @Test
  void returnedMoneyAndOtherOrdersRefundsAreNot() {
    assertThat(RefundNumber.returned("tx-2").isOrdersOwn("42-7")).isFalse();
    assertThat(RefundNumber.fullRefund("42-17").isOrdersOwn("42-7")).isFalse();
    assertThat(RefundNumber.fullRefund("42-7").isOrdersOwn("2-7")).isFalse();
    assertThat(new RefundNumber("RX42-7").isOrdersOwn("42-7")).isFalse();
  }

  @Test
  void rejectsABlankNumber() {
    assertThatThrownBy(() -> new RefundNumber(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
