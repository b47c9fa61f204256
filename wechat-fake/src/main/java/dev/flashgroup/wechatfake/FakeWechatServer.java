package dev.flashgroup.wechatfake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the stand-in as its own process (scripts/run --payment wechat-fake):
 * {@code java -jar flashgroup-wechat-fake-*-exec.jar PORT SETTINGS_FILE}. The settings file gets the
 * application's flashgroup.wechat.* properties for this run, keys included, one per line.
 */
public final class FakeWechatServer {

  private FakeWechatServer() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8130;
    Path settings = Path.of(args.length > 1 ? args[1] : "wechat-fake.properties");
    FakeWechat wechat = FakeWechat.start(port);
    // The local app takes notifications on http://localhost (flashgroup.wechat.notify-url's default).
    wechat.acceptLoopbackHttpNotifyUrls(true);
    StringBuilder file = new StringBuilder("# flashgroup.wechat.* for the local WeChat stand-in on port " + port + "\n");
    for (Map.Entry<String, String> e : wechat.appSettings().entrySet()) {
      file.append(e.getKey()).append('=').append(e.getValue().replace("\n", "\\n")).append('\n');
    }
    Files.writeString(settings, file.toString(), StandardCharsets.UTF_8);
    System.err.println("fake WeChat (pay API v3 + jscode2session) on http://127.0.0.1:" + port
        + "; settings in " + settings.toAbsolutePath());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      wechat.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
