package dev.flashgroup.api.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a point's staff sees of the buyer: enough to match the person, not their id. */
class BuyerMaskTest {

  @Test
  void showsTheFirstTwoAndLastTwoCharacters() {
    assertThat(VerificationController.mask("alice-wang")).isEqualTo("al***ng");
    assertThat(VerificationController.mask("alice")).isEqualTo("al***ce");
  }

  @Test
  void showsOnlyTheFirstOfAShortId() {
    assertThat(VerificationController.mask("bob")).isEqualTo("b***");
    assertThat(VerificationController.mask("kate")).isEqualTo("k***");
  }

  @Test
  void neverSplitsACharacterOutsideTheBmp() {
    assertThat(VerificationController.mask("😀😀abc😀😀")).isEqualTo("😀😀***😀😀");
  }
}
