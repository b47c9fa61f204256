package dev.flashgroup.api.group;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Buyer ids shown to strangers keep only their first and last character, whole characters. */
class MaskTest {

  @Test
  void keepsTheFirstAndLastCharacter() {
    assertThat(GroupController.mask("alice")).isEqualTo("a***e");
    assertThat(GroupController.mask("al")).isEqualTo("a***");
  }

  @Test
  void neverSplitsACharacterOutsideTheBasicPlane() {
    assertThat(GroupController.mask("😀bob😎")).isEqualTo("😀***😎");
    assertThat(GroupController.mask("😀")).isEqualTo("😀***");
  }
}
