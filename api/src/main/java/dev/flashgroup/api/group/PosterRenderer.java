package dev.flashgroup.api.group;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flashgroup.engine.activity.Activity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import javax.imageio.ImageIO;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Draws a group's or an activity's poster: product title, group price against the solo price, free
 * places (or the group size), time left (or until the start) to the minute, and a QR code of the
 * share path. Blocking and CPU-bound (java.awt, headless), so it runs on {@link PosterDrawing}'s
 * threads, never on an event loop.
 *
 * <p>What a poster shows is decided first, cheaply ({@link Sheet}); its {@linkplain Sheet#version
 * version} is a hash of every text drawn and the font, so two requests for the same content share
 * one drawing: PNGs are kept in a cache bounded by bytes ({@code flashgroup.share.poster-cache}),
 * and the version is the response's ETag. The countdown is shown to the minute, so a poster's
 * content changes at most once a minute while nothing else happens.
 */
@Component
class PosterRenderer implements DisposableBean {

  static final int WIDTH = 750;
  static final int HEIGHT = 1100;
  private static final int QR_SIZE = 380;
  private static final int MARGIN = 48;
  private static final Color RED = new Color(0xE4, 0x39, 0x3C);
  private static final Color GREY = new Color(0x99, 0x99, 0x99);
  private static final Color INK = new Color(0x33, 0x33, 0x33);

  private final PosterFonts fonts;
  private final ShareSettings settings;
  private final PosterDrawing drawing;
  /**
   * Drawn posters by content version, bounded by their bytes. Asynchronous so that a drawing in
   * progress is in it too: the requests that come while it is drawn wait for that drawing.
   */
  private final AsyncCache<String, byte[]> drawn;
  /** Posters drawn (not served from the cache): {@code flashgroup.posters.drawn}. */
  private final Counter drawings;

  PosterRenderer(ShareSettings settings, MeterRegistry meters) {
    this.drawings = Counter.builder("flashgroup.posters.drawn").description("posters drawn, not taken from the cache")
        .register(meters);
    this.settings = settings;
    this.drawing = new PosterDrawing(settings.posterThreads(), settings.posterQueue());
    // No temporary files while encoding PNGs.
    ImageIO.setUseCache(false);
    this.fonts = PosterFonts.installed();
    this.drawn = Caffeine.newBuilder().maximumWeight(settings.posterCache().toBytes())
        .weigher((String version, byte[] png) -> png.length).buildAsync();
  }

  /**
   * What one poster shows, whatever was shared: a group or a whole activity; every text as it is
   * drawn. {@code title} is the product's, the rest the poster's own labels.
   */
  record Sheet(String title, String groupPrice, String groupPriceLabel, String soloPrice, String headline,
      String countdown, String path, String footer) {

    List<String> texts() {
      return List.of(title, groupPrice, groupPriceLabel, soloPrice, headline, countdown, footer);
    }

    /** A hash of all it shows in {@code family}: equal versions draw equal posters. */
    String version(String family, String qrContent) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String part : List.of(family, qrContent, title, groupPrice, groupPriceLabel, soloPrice, headline,
            countdown, footer)) {
          sha.update(part.getBytes(StandardCharsets.UTF_8));
          sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  }

  /** A drawn poster and its version (the ETag, without quotes). */
  record Poster(String version, byte[] png) {}

  /** The text the poster's QR code holds. */
  private String qrContent(String path) {
    return settings.qrPrefix() + path;
  }

  /** The content version of {@code sheet}'s poster, without drawing it. */
  String version(Sheet sheet) {
    return sheet.version(fonts.family(), qrContent(sheet.path()));
  }

  /**
   * The sheet's poster as PNG: from the cache, or drawn once on the poster threads and kept. One
   * drawing per content version: requests for a version being drawn share that drawing (when the
   * countdown's minute turns, every viewer asks for the new version at once). Fails with
   * {@link RejectedExecutionException} when the poster threads are all taken; a failed drawing
   * leaves the cache, so the next request tries again.
   */
  Mono<Poster> draw(Sheet sheet) {
    String version = version(sheet);
    // The mapping function only subscribes: the drawing itself runs on the poster threads.
    return Mono.fromFuture(drawn.get(version, (key, executor) -> drawing.run(() -> {
          drawings.increment();
          return render(sheet);
        }).toFuture()), true)
        .map(png -> new Poster(version, png));
  }

  PosterFonts fonts() {
    return fonts;
  }

  @Override
  public void destroy() {
    drawing.stop();
  }

  Sheet sheet(GroupShare share, Instant now) {
    String slots;
    if (share.open()) {
      slots = label("还差 " + share.missing() + " 人成团", share.missing() + " more needed");
    } else {
      slots = "SUCCEEDED".equals(share.group().status()) ? label("已成团", "Group complete") : label("拼团已结束", "Group closed");
    }
    return sheet(share.activity(), slots, label("剩余 ", "ends in ") + clock(share.timeLeft(now)), share.path(),
        label("长按识别，一起拼团", "Scan to join the group"));
  }

  Sheet sheet(ActivityShare share, Instant now) {
    Activity a = share.activity();
    String countdown = switch (share.status(now)) {
      case SCHEDULED -> label("距开团 ", "opens in ") + clock(share.timeLeft(now));
      case RUNNING -> label("剩余 ", "ends in ") + clock(share.timeLeft(now));
      default -> label("活动已结束", "Ended");
    };
    return sheet(a, label(a.groupSize() + " 人成团", "Groups of " + a.groupSize()), countdown, share.path(),
        label("长按识别，参加拼团", "Scan to join"));
  }

  /**
   * The product's title, the prices with their labels. Only strings: no font is touched here (this
   * runs on an event loop, and a font may read its file when first asked about a glyph).
   */
  private Sheet sheet(Activity a, String headline, String countdown, String path, String footer) {
    return new Sheet(a.title(), GroupShare.yuan(a.groupPrice()),
        label("拼团价", "group price"), label("单买价 ", "alone ") + GroupShare.yuan(a.soloPrice()), headline, countdown,
        path, footer);
  }

  private byte[] render(Sheet sheet) {
    BufferedImage poster = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = poster.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(RED);
      g.fillRect(0, 0, WIDTH, 200);
      drawTitle(g, sheet.title());
      drawPrices(g, sheet);
      drawProgress(g, sheet);
      g.drawImage(qrCode(qrContent(sheet.path())), (WIDTH - QR_SIZE) / 2, 560, null);
      g.setColor(GREY);
      g.setFont(fonts.font(Font.PLAIN, 26));
      centered(g, sheet.footer(), 1000);
    } finally {
      g.dispose();
    }
    return png(poster);
  }

  private void drawTitle(Graphics2D g, String title) {
    g.setColor(Color.WHITE);
    g.setFont(fonts.font(Font.BOLD, 42));
    String shown = PosterFonts.showable(g.getFont(), title);
    List<String> lines = wrap(g.getFontMetrics(), shown.isEmpty() ? "flashgroup" : shown, WIDTH - 2 * MARGIN, 2);
    for (int i = 0; i < lines.size(); i++) {
      g.drawString(lines.get(i), MARGIN, 88 + i * 56);
    }
  }

  private void drawPrices(Graphics2D g, Sheet sheet) {
    g.setColor(RED);
    g.setFont(fonts.font(Font.BOLD, 72));
    String group = sheet.groupPrice();
    g.drawString(group, MARGIN, 310);
    int after = MARGIN + g.getFontMetrics().stringWidth(group) + 24;
    g.setFont(fonts.font(Font.PLAIN, 28));
    g.drawString(sheet.groupPriceLabel(), after, 270);
    g.setColor(GREY);
    String solo = sheet.soloPrice();
    g.drawString(solo, after, 310);
    int width = g.getFontMetrics().stringWidth(solo);
    g.setStroke(new BasicStroke(2));
    g.drawLine(after, 300, after + width, 300);
  }

  private void drawProgress(Graphics2D g, Sheet sheet) {
    g.setColor(INK);
    g.setFont(fonts.font(Font.BOLD, 40));
    centered(g, sheet.headline(), 420);
    g.setFont(fonts.font(Font.PLAIN, 32));
    centered(g, sheet.countdown(), 490);
  }

  /** Time left to the minute (a saved poster is read long after; the content changes once a minute). */
  private String clock(Duration left) {
    if (left.toMinutes() < 1) {
      return label("不到 1 分钟", "under a minute");
    }
    return left.toHours() > 0
        ? label(left.toHours() + " 小时 " + left.toMinutesPart() + " 分", left.toHours() + " h " + left.toMinutesPart() + " min")
        : label(left.toMinutesPart() + " 分钟", left.toMinutesPart() + " min");
  }

  private String label(String chinese, String english) {
    return fonts.chinese() ? chinese : english;
  }

  private static void centered(Graphics2D g, String text, int baseline) {
    g.drawString(text, (WIDTH - g.getFontMetrics().stringWidth(text)) / 2, baseline);
  }

  /** Breaks anywhere (Chinese has no spaces), at most {@code maxLines}, the last cut with an ellipsis. */
  static List<String> wrap(FontMetrics metrics, String text, int width, int maxLines) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    int[] codePoints = text.codePoints().toArray();
    for (int i = 0; i < codePoints.length; i++) {
      String next = line + new String(Character.toChars(codePoints[i]));
      if (metrics.stringWidth(next) <= width) {
        line.setLength(0);
        line.append(next);
        continue;
      }
      if (lines.size() == maxLines - 1) {
        while (line.length() > 0 && metrics.stringWidth(line + "…") > width) {
          line.setLength(line.length() - 1);
        }
        lines.add(line + "…");
        return lines;
      }
      lines.add(line.toString());
      line.setLength(0);
      line.appendCodePoint(codePoints[i]);
    }
    lines.add(line.toString());
    return lines;
  }

  private static BufferedImage qrCode(String content) {
    try {
      var matrix = new QRCodeWriter().encode(content, BarcodeFormat.QR_CODE, QR_SIZE, QR_SIZE, Map.of(
          EncodeHintType.CHARACTER_SET, "UTF-8",
          EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
          EncodeHintType.MARGIN, 2));
      return MatrixToImageWriter.toBufferedImage(matrix);
    } catch (WriterException e) {
      throw new IllegalArgumentException("cannot encode a QR code of " + content, e);
    }
  }

  private static byte[] png(BufferedImage image) {
    try {
      var out = new ByteArrayOutputStream(64 * 1024);
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
