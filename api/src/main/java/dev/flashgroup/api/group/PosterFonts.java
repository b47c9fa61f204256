package dev.flashgroup.api.group;

import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The font the poster is drawn in. A font that can show Chinese is preferred (the well-known CJK
 * families first, then any installed font that has the glyphs); without one the poster degrades to
 * English labels, and characters of a product title the font cannot show are left out.
 * Chosen once, at start-up, since listing the installed fonts reads files.
 */
final class PosterFonts {

  private static final Logger log = LoggerFactory.getLogger(PosterFonts.class);
  private static final String SAMPLE = "还差人成团拼单买价剩余";
  private static final List<String> PREFERRED = List.of("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
      "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "Microsoft YaHei",
      "PingFang SC", "SimHei");

  private final String family;
  private final boolean chinese;

  private PosterFonts(String family, boolean chinese) {
    this.family = family;
    this.chinese = chinese;
  }

  static PosterFonts installed() {
    Set<String> families = Set.of(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames());
    for (String name : PREFERRED) {
      if (families.contains(name) && new Font(name, Font.PLAIN, 12).canDisplayUpTo(SAMPLE) < 0) {
        return chosen(name, true);
      }
    }
    for (String name : families) {
      if (new Font(name, Font.PLAIN, 12).canDisplayUpTo(SAMPLE) < 0) {
        return chosen(name, true);
      }
    }
    log.warn("No installed font shows Chinese (try `fc-list :lang=zh`; e.g. apt-get install fonts-noto-cjk);"
        + " posters use English labels and leave out the Chinese characters of titles");
    return chosen(Font.SANS_SERIF, false);
  }

  private static PosterFonts chosen(String family, boolean chinese) {
    log.info("Posters are drawn in font family '{}' (Chinese: {})", family, chinese);
    return new PosterFonts(family, chinese);
  }

  boolean chinese() {
    return chinese;
  }

  String family() {
    return family;
  }

  Font font(int style, int size) {
    return new Font(family, style, size);
  }

  /** The text without the characters {@code font} cannot show; runs of blanks collapsed. */
  static String showable(Font font, String text) {
    StringBuilder kept = new StringBuilder();
    text.codePoints().filter(font::canDisplay).forEach(kept::appendCodePoint);
    return kept.toString().replaceAll("\\s+", " ").strip();
  }
}
