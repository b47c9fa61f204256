package dev.flashgroup.wechatfake;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executor;

/** Posts notifications; like WeChat Pay, tries again a few times while the merchant does not answer 2xx. */
final class Notifier {

  private static final System.Logger log = System.getLogger(Notifier.class.getName());
  private static final int ATTEMPTS = 5;

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Executor executor;

  Notifier(Executor executor) {
    this.executor = executor;
  }

  /**
   * Posts to loopback addresses only: a notify URL may name a merchant's public host (it has to,
   * to be accepted), but the stand-in never sends anything off this machine.
   */
  void deliver(String url, SignedNotification notification) {
    if (!Checks.loopback(URI.create(url))) {
      log.log(System.Logger.Level.INFO, "notification for " + url + " not sent: the stand-in posts to loopback only");
      return;
    }
    executor.execute(() -> {
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        try {
          if (post(url, notification) / 100 == 2) {
            return;
          }
          Thread.sleep(500L * attempt);
        } catch (IOException e) {
          log.log(System.Logger.Level.INFO, "notification to " + url + " failed: " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    });
  }

  private int post(String url, SignedNotification notification) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(notification.body()));
    notification.headers().forEach(request::header);
    int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status / 100 != 2) {
      log.log(System.Logger.Level.INFO, "notification to " + url + " answered " + status);
    }
    return status;
  }
}
