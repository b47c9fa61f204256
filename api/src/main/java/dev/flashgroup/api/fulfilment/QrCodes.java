package dev.flashgroup.api.fulfilment;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.imageio.ImageIO;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Pickup codes as QR images (ZXing), PNG. Drawn on boundedElastic, not the event loop: a small code
 * encodes in well under a millisecond, but ImageIO looks its writers up on the class path on first
 * use (file reads) and the PNG deflate is CPU work that need not stall other requests.
 */
@Component
class QrCodes {

  static final int SIZE = 320;

  QrCodes() {
    // No temporary files while encoding PNGs.
    ImageIO.setUseCache(false);
  }

  Mono<byte[]> png(String content) {
    return Mono.fromCallable(() -> draw(content)).subscribeOn(Schedulers.boundedElastic());
  }

  private static byte[] draw(String content) {
    try {
      var matrix = new QRCodeWriter().encode(content, BarcodeFormat.QR_CODE, SIZE, SIZE, Map.of(
          EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
      var out = new ByteArrayOutputStream(4 * 1024);
      MatrixToImageWriter.writeToStream(matrix, "png", out);
      return out.toByteArray();
    } catch (WriterException e) {
      throw new IllegalArgumentException("cannot encode a QR code of " + content, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
