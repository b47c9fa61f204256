package dev.flashgroup.api.web;

/** Buyer ids as strangers (and a point's staff) may see them. */
public final class BuyerIds {

  private BuyerIds() {}

  /**
   * {@code alice} → {@code a***e}; short ids show only their first character. Counted in code
   * points, so a character outside the BMP is shown whole or not at all, never as half a pair.
   */
  public static String mask(String id) {
    if (id == null || id.isEmpty()) {
      return id;
    }
    int[] points = id.codePoints().toArray();
    String first = Character.toString(points[0]);
    return points.length <= 2 ? first + "***" : first + "***" + Character.toString(points[points.length - 1]);
  }
}
