package dev.flashgroup.api.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.group.GroupView;
import dev.flashgroup.engine.kernel.ActivityId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Chinese first: with a CJK font installed (scripts/test and scripts/run install fonts-noto-cjk as
 * root, the Dockerfile too), the renderer draws in a font that has a glyph for every character of
 * a Chinese title and of every label on the poster and the share card: no empty boxes, nothing
 * left out. Without such a font this fails, naming the command that installs one; it never skips.
 */
class PosterFontsTest {

  private static final String INSTALL = "apt-get update && apt-get install -y --no-install-recommends fontconfig"
      + " fonts-noto-cjk (scripts/test does this when run as root; `fc-list :lang=zh` must list a font)";
  private static final String TITLE = "云南高山蓝莓 125g×4盒【顺丰冷链·坏果包赔】今晚八点开抢";
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private PosterRenderer renderer;

  @BeforeEach
  void renderer() {
    renderer = new PosterRenderer(new ShareSettings("/pages/group/index", "", "", "", 1, 4, "/pages/activity/index",
        DataSize.ofMegabytes(1)), new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    renderer.destroy();
  }

  @Test
  void theRendererChoosesAFontWithChineseGlyphs() {
    PosterFonts fonts = renderer.fonts();
    if (!fonts.chinese()) {
      fail("No installed font can show Chinese, so posters would lose their Chinese titles and labels. Install one: "
          + INSTALL + "; the renderer fell back to '" + fonts.family() + "'");
    }
    for (int style : new int[] {Font.PLAIN, Font.BOLD}) {
      Font font = fonts.font(style, 42);
      assertThat(font.getFamily(java.util.Locale.ENGLISH)).as("the chosen family is really installed, not a logical stand-in")
          .isEqualTo(fonts.family());
      assertThat(font.canDisplayUpTo(TITLE)).as("first character of the title %s cannot show", font).isEqualTo(-1);
    }
  }

  @Test
  void everyTextOfAChinesePosterAndShareCardHasAGlyphInTheChosenFont() throws Exception {
    theRendererChoosesAFontWithChineseGlyphs();
    List<String> texts = new ArrayList<>();
    ActivityShare upcoming = new ActivityShare(activity(NOW.plus(Duration.ofHours(3)), NOW.plus(Duration.ofHours(5))),
        "leader-1", settings());
    ActivityShare running = new ActivityShare(activity(NOW.minusSeconds(60), NOW.plus(Duration.ofMinutes(42))), "",
        settings());
    ActivityShare ended = new ActivityShare(activity(NOW.minus(Duration.ofHours(3)), NOW.minusSeconds(1)), "",
        settings());
    for (ActivityShare share : List.of(upcoming, running, ended)) {
      texts.addAll(renderer.sheet(share, NOW).texts());
      texts.add(share.title(NOW));
    }
    for (String status : List.of("OPEN", "SUCCEEDED", "FAILED")) {
      GroupShare share = new GroupShare(new GroupView("7-1", 7, status, "alice", 3, List.of("alice"), 1,
          "OPEN".equals(status) ? 2 : 0, NOW.plus(Duration.ofMinutes(30)), 0, null), running.activity(), "bob",
          settings());
      texts.addAll(renderer.sheet(share, NOW).texts());
      texts.add(share.title());
    }

    assertThat(texts).anySatisfy(t -> assertThat(t).contains("拼团价"))
        .anySatisfy(t -> assertThat(t).contains("还差 2 人成团")).anySatisfy(t -> assertThat(t).startsWith("距开团"));
    for (int style : new int[] {Font.PLAIN, Font.BOLD}) {
      Font font = renderer.fonts().font(style, 32);
      assertThat(texts).allSatisfy(text -> assertThat(font.canDisplayUpTo(text))
          .as("'%s' in %s: the character at this index has no glyph", text, font.getFontName()).isEqualTo(-1));
    }
    // Nothing of the title is left out when drawn, and the poster is a real picture.
    assertThat(PosterFonts.showable(renderer.fonts().font(Font.BOLD, 42), TITLE)).isEqualTo(TITLE);
    byte[] png = renderer.draw(renderer.sheet(running, NOW)).block(Duration.ofSeconds(30)).png();
    BufferedImage poster = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(poster.getWidth()).isEqualTo(PosterRenderer.WIDTH);
    assertThat(poster.getHeight()).isEqualTo(PosterRenderer.HEIGHT);
  }

  private static Activity activity(Instant starts, Instant ends) {
    return new Activity(new ActivityId(7), "shop-1", TITLE, Mode.STANDARD, 3, 2990, 3990, 100, 2, starts, ends,
        Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(), 0, null, null, 0);
  }

  private static ShareSettings settings() {
    return new ShareSettings("/pages/group/index", "", "", "", 1, 4, "/pages/activity/index", DataSize.ofMegabytes(1));
  }
}
