package dev.flashgroup.api.group;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The {@code referrer=<sharer>} a share carries, on the mini-program path and on the poster's
 * address alike: an order reserved through it is attributed to the sharer when they lead.
 */
final class Referrers {

  private static final Pattern REFERRER = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

  private Referrers() {}

  static boolean valid(String referrer) {
    return REFERRER.matcher(referrer).matches();
  }

  /** {@code <separator>referrer=<sharer>}, or nothing when there is no sharer. */
  static String query(String separator, String sharer) {
    return sharer.isEmpty() ? "" : separator + "referrer=" + encode(sharer);
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
