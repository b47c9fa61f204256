package dev.flashgroup.engine.claim;

import dev.flashgroup.engine.claim.InvalidClaim.Violation;
import dev.flashgroup.engine.kernel.Text;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A claim as the buyer files it; {@link #violations()} lists every bad field. Bounds: {@code amount}
 * 1..{@value #MAX_AMOUNT} fen (an order never costs more), {@code note} up to {@value #MAX_NOTE}
 * printable characters, up to {@value #MAX_PHOTOS} {@code photoUrls}, each an absolute https URL of
 * at most {@value #MAX_URL} characters.
 */
public record ClaimDraft(String reason, Long amount, String note, List<String> photoUrls) {

  public static final long MAX_AMOUNT = 100_000_000L;
  public static final int MAX_NOTE = 500;
  public static final int MAX_PHOTOS = 9;
  public static final int MAX_URL = 500;

  public List<Violation> violations() {
    List<Violation> v = new ArrayList<>();
    if (reasonOrNull() == null) {
      v.add(new Violation("reason", "must be SPOILED, MISSING, DAMAGED, WRONG_ITEM or OTHER"));
    }
    amount(v, "amount", amount);
    text(v, "note", note, MAX_NOTE);
    if (photoUrls != null) {
      if (photoUrls.size() > MAX_PHOTOS) {
        v.add(new Violation("photoUrls", "takes at most " + MAX_PHOTOS + " photos"));
      }
      for (int i = 0; i < Math.min(photoUrls.size(), MAX_PHOTOS); i++) {
        if (!isHttpsUrl(photoUrls.get(i))) {
          v.add(new Violation("photoUrls[" + i + "]", "must be an https URL of at most " + MAX_URL + " characters"));
        }
      }
    }
    return v;
  }

  ClaimDraft checked() {
    List<Violation> v = violations();
    if (!v.isEmpty()) {
      throw new InvalidClaim(v);
    }
    return this;
  }

  ClaimReason reasonOrNull() {
    try {
      return reason == null ? null : ClaimReason.valueOf(reason);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  List<String> photos() {
    return photoUrls == null ? List.of() : List.copyOf(photoUrls);
  }

  /** An amount of money a claim may carry: 1..{@value #MAX_AMOUNT} fen. */
  static void amount(List<Violation> v, String field, Long amount) {
    if (amount == null || amount < 1 || amount > MAX_AMOUNT) {
      v.add(new Violation(field, "must be an amount in fen between 1 and " + MAX_AMOUNT));
    }
  }

  /** Optional printable text of at most {@code max} characters. */
  static void text(List<Violation> v, String field, String value, int max) {
    if (value != null && (value.length() > max || !Text.isPrintable(value))) {
      v.add(new Violation(field, "must be at most " + max + " printable characters"));
    }
  }

  /** Absolute https with a host, no user info, nothing a browser would refuse to show. */
  private static boolean isHttpsUrl(String url) {
    if (url == null || url.isEmpty() || url.length() > MAX_URL || !Text.isPrintable(url) || url.contains(" ")) {
      return false;
    }
    try {
      URI uri = new URI(url);
      return uri.getScheme() != null && "https".equals(uri.getScheme().toLowerCase(Locale.ROOT))
          && uri.getHost() != null && !uri.getHost().isEmpty() && uri.getUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
