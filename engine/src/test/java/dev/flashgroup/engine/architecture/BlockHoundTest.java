package dev.flashgroup.engine.architecture;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Proves BlockHound is installed, so every other test would catch a blocking call on an event loop. */
class BlockHoundTest {

  @Test
  void blockingOnANonBlockingThreadFails() {
    Mono<Object> blocking = Mono.delay(Duration.ofMillis(1), Schedulers.parallel())
        .map(tick -> {
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return tick;
        });
    StepVerifier.create(blocking)
        .expectErrorMatches(e -> e.getClass().getName().equals("reactor.blockhound.BlockingOperationError"))
        .verify(Duration.ofSeconds(5));
  }
}
