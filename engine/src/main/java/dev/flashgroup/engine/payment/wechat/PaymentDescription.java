package dev.flashgroup.engine.payment.wechat;

import java.util.stream.Collectors;

/**
 * A JSAPI prepay's {@code description}: WeChat Pay shows it in the buyer's payment record, takes at
 * most 127 characters ("不能超过127个字符") and, like all of API v3, only characters of one to three
 * UTF-8 bytes. So: the activity's title without characters outside the Basic Multilingual Plane
 * (emoji), cut after 127 code points (never inside a character), with the order as a fallback for
 * a title that was nothing but such characters.
 */
final class PaymentDescription {

  static final int MAX_CHARACTERS = 127;

  private PaymentDescription() {}

  static String of(String title, String orderId) {
    String sayable = title.codePoints().filter(c -> !Character.isSupplementaryCodePoint(c))
        .mapToObj(Character::toString).collect(Collectors.joining()).strip();
    String cut = sayable.codePoints().limit(MAX_CHARACTERS)
        .mapToObj(Character::toString).collect(Collectors.joining()).strip();
    return cut.isEmpty() ? "flashgroup order " + orderId : cut;
  }
}
