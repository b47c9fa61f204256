package dev.flashgroup.engine.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Turns a test JVM that hangs into a short failure with its stacks, instead of a build that sits
 * silent until CI's limit (once: a context close that never returned). When no test or class has
 * started or finished for {@code flashgroup.test.stall} (default 5 minutes, far above any test's
 * own waits), every thread's stack goes to {@code target/stall-<pid>.txt} and the main thread's to
 * stderr; the main thread is interrupted once, which fails a test stuck in an uninterruptible
 * wait's caller instead of the whole run. Still stalled after a second such period, the JVM halts
 * (surefire reports the fork as crashed). Registered in META-INF/services, so the api module's
 * tests have it too (engine's test-jar).
 */
public final class StallWatch implements TestExecutionListener {

  private static final Duration STALL = stall();

  /** System.nanoTime of the last test event: a clock that the wall clock's steps do not move. */
  private final AtomicLong lastProgress = new AtomicLong(System.nanoTime());
  private volatile Thread main;
  private volatile Thread watcher;

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    main = Thread.currentThread();
    progressed();
    Thread t = new Thread(this::watch, "stall-watch");
    t.setDaemon(true);
    watcher = t;
    t.start();
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    Thread t = watcher;
    if (t != null) {
      t.interrupt();
    }
  }

  @Override
  public void executionStarted(TestIdentifier testIdentifier) {
    progressed();
  }

  @Override
  public void executionFinished(TestIdentifier testIdentifier, TestExecutionResult testExecutionResult) {
    progressed();
  }

  @Override
  public void executionSkipped(TestIdentifier testIdentifier, String reason) {
    progressed();
  }

  private void progressed() {
    lastProgress.set(System.nanoTime());
  }

  private static Duration stall() {
    String value = System.getProperty("flashgroup.test.stall", "PT5M");
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      System.err.println("stall-watch: flashgroup.test.stall=" + value + " is no ISO-8601 duration; watching for PT5M");
      return Duration.ofMinutes(5);
    }
  }

  private void watch() {
    try {
      Long interruptedAt = null;
      while (true) {
        Thread.sleep(Math.min(10_000, STALL.toMillis() / 4 + 1));
        long last = lastProgress.get();
        Duration idle = Duration.ofNanos(System.nanoTime() - last);
        if (idle.compareTo(STALL) < 0) {
          continue;
        }
        if (interruptedAt != null && last == interruptedAt) {
          // Another whole STALL without progress since the interrupt: give up on this JVM.
          report(idle, "halting this test JVM");
          Runtime.getRuntime().halt(3);
        }
        report(idle, "interrupting the main thread once");
        interruptedAt = System.nanoTime();
        lastProgress.set(interruptedAt);
        main.interrupt();
      }
    } catch (InterruptedException done) {
      Thread.currentThread().interrupt();
    }
  }

  private void report(Duration idle, String action) {
    ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
    Arrays.sort(threads, Comparator.comparing(ThreadInfo::getThreadName));
    StringBuilder all = new StringBuilder();
    for (ThreadInfo info : threads) {
      all.append(stack(info));
    }
    Path file = Path.of("target", "stall-" + ProcessHandle.current().pid() + ".txt");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, all);
    } catch (IOException e) {
      System.err.println("stall-watch: could not write " + file + ": " + e);
    }
    ThreadInfo mainInfo = ManagementFactory.getThreadMXBean().getThreadInfo(new long[] {main.getId()}, true, true)[0];
    System.err.println("stall-watch: no test started or finished for " + idle.toSeconds() + " s; " + action
        + "; every thread's stack in " + file.toAbsolutePath());
    System.err.println(mainInfo == null ? "stall-watch: the main thread has ended" : stack(mainInfo));
    System.err.flush();
  }

  /** ThreadInfo.toString cuts stacks at 8 frames; the whole stack says where it waits. */
  private static String stack(ThreadInfo info) {
    StringBuilder s = new StringBuilder("\"").append(info.getThreadName()).append("\" ").append(info.getThreadState());
    if (info.getLockName() != null) {
      s.append(" on ").append(info.getLockName());
    }
    if (info.getLockOwnerName() != null) {
      s.append(" owned by \"").append(info.getLockOwnerName()).append('"');
    }
    s.append('\n');
    for (StackTraceElement frame : info.getStackTrace()) {
      s.append("\tat ").append(frame).append('\n');
    }
    return s.append('\n').toString();
  }
}
