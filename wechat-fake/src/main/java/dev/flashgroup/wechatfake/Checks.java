package dev.flashgroup.wechatfake;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The documented rules of a request body, checked in order; the first broken one is the answer
 * (400 PARAM_ERROR with the field's JSON pointer). Lengths count characters (code points), as
 * WeChat's documentation states them ("不能超过127个字符"), and API v3 takes only characters of one
 * to three UTF-8 bytes, so anything outside the Basic Multilingual Plane (emoji) is refused.
 */
final class Checks {

  /** {@code yyyy-MM-DDTHH:mm:ss+TIMEZONE}, the documented RFC 3339 form: whole seconds and an offset. */
  private static final Pattern RFC3339 = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}");

  private static final Pattern LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private final JsonNode body;
  private final boolean loopbackHttp;
  private Answer refusal;

  Checks(JsonNode body, boolean loopbackHttp) {
    this.body = body;
    this.loopbackHttp = loopbackHttp;
  }

  /** The first broken rule's answer, or null when the body keeps them all. */
  Answer refusal() {
    return refusal;
  }

  Checks text(String pointer, int min, int max) {
    if (refusal == null && absent(pointer)) {
      refuse(pointer, null, "缺少参数 (required)");
    }
    return optionalText(pointer, min, max);
  }

  Checks optionalText(String pointer, int min, int max) {
    JsonNode value = body.at(pointer);
    if (refusal != null || absent(pointer)) {
      return this;
    }
    if (!value.isString()) {
      refuse(pointer, value, "must be a string");
    } else if (value.asString().codePointCount(0, value.asString().length()) < min
        || value.asString().codePointCount(0, value.asString().length()) > max) {
      refuse(pointer, value, "length must be " + min + " to " + max + " characters");
    } else if (value.asString().codePoints().anyMatch(Character::isSupplementaryCodePoint)) {
      refuse(pointer, value, "characters of 4 UTF-8 bytes (e.g. emoji) are not supported by API v3");
    }
    return this;
  }

  /** Applies to a present string only; pair it with {@link #text} for a required one. */
  Checks matches(String pointer, Pattern pattern, String issue) {
    JsonNode value = body.at(pointer);
    if (refusal == null && value.isString() && !pattern.matcher(value.asString()).matches()) {
      refuse(pointer, value, issue);
    }
    return this;
  }

  Checks positiveInteger(String pointer) {
    JsonNode value = body.at(pointer);
    if (refusal == null) {
      if (absent(pointer)) {
        refuse(pointer, null, "缺少参数 (required)");
      } else if (!value.isIntegralNumber() || value.asLong() <= 0 || value.asLong() > Integer.MAX_VALUE) {
        refuse(pointer, value, "must be a positive whole number of fen");
      }
    }
    return this;
  }

  Checks oneOf(String pointer, boolean required, List<String> values) {
    JsonNode value = body.at(pointer);
    if (refusal == null) {
      if (absent(pointer)) {
        if (required) {
          refuse(pointer, null, "缺少参数 (required)");
        }
      } else if (!value.isString() || !values.contains(value.asString())) {
        refuse(pointer, value, "must be one of " + values);
      }
    }
    return this;
  }

  Checks time(String pointer) {
    return matches(pointer, RFC3339, "must be an RFC 3339 time yyyy-MM-DDTHH:mm:ss+TIMEZONE");
  }

  /**
   * A notify URL: reachable from outside, so https ("公网域名必须为HTTPS"), without query
   * parameters ("不能携带参数"). Plain http only to a loopback address, and only when the test
   * switch allows it: the app under test listens on loopback without TLS.
   */
  Checks notifyUrl(String pointer, boolean required, int min, int max) {
    if (required) {
      text(pointer, min, max);
    } else {
      optionalText(pointer, min, max);
    }
    JsonNode value = body.at(pointer);
    if (refusal != null || !value.isString()) {
      return this;
    }
    URI url;
    try {
      url = new URI(value.asString());
    } catch (URISyntaxException e) {
      refuse(pointer, value, "not a URL");
      return this;
    }
    if (url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null) {
      refuse(pointer, value, "must be an absolute URL without parameters");
    } else if (!"https".equals(url.getScheme()) && !("http".equals(url.getScheme()) && loopbackHttp && loopback(url))) {
      refuse(pointer, value, "must be https");
    }
    return this;
  }

  /** A loopback host by its name or literal address alone: the stand-in never asks DNS about a merchant's host. */
  static boolean loopback(URI url) {
    String host = url.getHost();
    return host != null && (host.equalsIgnoreCase("localhost") || LOOPBACK.matcher(host).matches()
        || host.equals("[::1]"));
  }

  private boolean absent(String pointer) {
    JsonNode value = body.at(pointer);
    return value.isMissingNode() || value.isNull();
  }

  private void refuse(String pointer, JsonNode value, String issue) {
    refusal = Answer.badField(pointer, value == null || value.isMissingNode() ? null : value, issue, "body");
  }
}
