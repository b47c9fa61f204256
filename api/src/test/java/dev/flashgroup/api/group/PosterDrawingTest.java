package dev.flashgroup.api.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Posters are drawn on threads of their own, and a full queue refuses at once instead of piling up. */
class PosterDrawingTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final PosterDrawing drawing = new PosterDrawing(1, 1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    drawing.stop();
  }

  @Test
  void drawsOnAPosterThreadAndRefusesWorkBeyondItsThreadsAndQueue() throws InterruptedException {
    Mono<String> busy = drawing.run(() -> {
      started.countDown();
      release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      return Thread.currentThread().getName();
    });
    var first = busy.toFuture();
    assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    var queued = drawing.run(() -> "queued").toFuture();

    StepVerifier.create(drawing.run(() -> "one too many")).expectError(RejectedExecutionException.class)
        .verify(PATIENCE);

    release.countDown();
    assertThat(first.join()).startsWith("posters");
    assertThat(queued.join()).isEqualTo("queued");
    StepVerifier.create(drawing.run(() -> "room again")).expectNext("room again").verifyComplete();
  }
}
