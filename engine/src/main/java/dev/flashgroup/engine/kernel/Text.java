package dev.flashgroup.engine.kernel;

/** Checks on text that merchants and admins type and buyers see. */
public final class Text {

  private Text() {}

  /** Well-formed UTF-16 (no lone surrogate) and no control characters (tabs and new lines included). */
  public static boolean isPrintable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c) || Character.isISOControl(c)) {
        return false;
      }
    }
    return true;
  }
}
