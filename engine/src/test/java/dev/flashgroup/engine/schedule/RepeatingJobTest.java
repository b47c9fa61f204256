package dev.flashgroup.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

class RepeatingJobTest {

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(FlakyJob.class);

  @BeforeEach
  void captureLog() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
  }

  @Test
  void aLongOutageIsLoggedOnceAndTheRecoveryOnce() throws InterruptedException {
    FlakyJob job = new FlakyJob(200);
    job.start();
    try {
      assertThat(job.recovered.await(30, TimeUnit.SECONDS)).as("the job recovers").isTrue();
    } finally {
      job.stop();
    }

    assertThat(job.rounds.get()).isGreaterThan(200);
    // The recovery is logged on the loop's thread just after the round that let the latch go.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logged())
        .filteredOn(e -> e.getLevel() == Level.INFO)
        .extracting(ILoggingEvent::getFormattedMessage)
        .singleElement().asString().contains("recovered after 200 failed rounds"));
    assertThat(logged()).filteredOn(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .singleElement().asString().contains("FlakyJob round failed").contains("broker down");
  }

  /** What the job logged so far; the appender adds under its own lock. */
  private List<ILoggingEvent> logged() {
    synchronized (logged) {
      return new ArrayList<>(logged.list);
    }
  }

  @Test
  void theLoopGoesOnAfterEveryFailedRound() throws InterruptedException {
    // A subclass of its own, so this job's log lines never reach the other test's appender.
    FlakyJob job = new FlakyJob(3) {};
    job.start();
    try {
      assertThat(job.recovered.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(job.isRunning()).isTrue();
    } finally {
      job.stop();
    }
    assertThat(job.isRunning()).isFalse();
  }

  @Test
  void aJobThatKnowsItsNextWorkSleepsUntilThenAndAWakeUpCutsTheWaitShort() throws InterruptedException {
    SleepyJob job = new SleepyJob();
    job.start();
    try {
      assertThat(job.rounds.poll(10, TimeUnit.SECONDS)).as("the first round").isNotNull();
      // The round asked for an hour's rest: nothing happens until it is woken.
      assertThat(job.rounds.poll(300, TimeUnit.MILLISECONDS)).isNull();
      job.wakeUp();
      assertThat(job.rounds.poll(10, TimeUnit.SECONDS)).as("the round after the wake-up").isNotNull();
      assertThat(job.rounds.poll(300, TimeUnit.MILLISECONDS)).isNull();
    } finally {
      job.stop();
    }
  }

  @Test
  void aWakeUpDuringARoundShortensTheNextWait() throws InterruptedException {
    SleepyJob job = new SleepyJob();
    job.wakeDuringRound = true;
    job.start();
    try {
      assertThat(job.rounds.poll(10, TimeUnit.SECONDS)).isNotNull();
      assertThat(job.rounds.poll(10, TimeUnit.SECONDS)).as("woken while it ran: only the short pause").isNotNull();
    } finally {
      job.stop();
    }
  }

  @Test
  void afterAFailedRoundTheWaitIsTheUsualPause() throws InterruptedException {
    // The round would ask for an hour's rest, but it fails: the plain pause (1 ms) applies.
    FlakyJob job = new FlakyJob(3) {
      @Override
      protected Duration pauseAfter(Object result) {
        return Duration.ofHours(1);
      }
    };
    job.start();
    try {
      assertThat(job.recovered.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      job.stop();
    }
  }

  /** Asks for an hour between rounds and counts its rounds. */
  static class SleepyJob extends RepeatingJob {

    final BlockingQueue<Integer> rounds = new LinkedBlockingQueue<>();
    volatile boolean wakeDuringRound;
    private final AtomicInteger count = new AtomicInteger();

    @Override
    protected Mono<?> round() {
      int n = count.incrementAndGet();
      if (wakeDuringRound && n == 1) {
        wake();
      }
      rounds.add(n);
      return Mono.just(n);
    }

    @Override
    protected Duration pause() {
      return Duration.ofMillis(1);
    }

    @Override
    protected Duration pauseAfter(Object result) {
      return Duration.ofHours(1);
    }

    void wakeUp() {
      wake();
    }
  }

  /** Fails its first rounds as if a service were down, then works. */
  static class FlakyJob extends RepeatingJob {

    final AtomicInteger rounds = new AtomicInteger();
    final CountDownLatch recovered = new CountDownLatch(1);
    private final int failures;

    FlakyJob(int failures) {
      this.failures = failures;
    }

    @Override
    protected Mono<?> round() {
      if (rounds.incrementAndGet() <= failures) {
        return Mono.error(new IllegalStateException("broker down"));
      }
      recovered.countDown();
      return Mono.empty();
    }

    @Override
    protected Duration pause() {
      return Duration.ofMillis(1);
    }
  }
}
