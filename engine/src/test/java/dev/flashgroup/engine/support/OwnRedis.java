package dev.flashgroup.engine.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A redis-server of the test's own, on a free port in a temporary directory, for tests that must
 * reconfigure or kill Redis without touching the shared one. Runs in the foreground so the test
 * holds its process and can always end it; {@link #close()} (safe to call twice) stops it and
 * removes the directory.
 */
public final class OwnRedis implements AutoCloseable {

  private final int port;
  private final Path dir;
  private final Process process;

  private OwnRedis(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  /** Starts redis-server with the given extra options (e.g. "--appendonly", "yes") and waits for PONG. */
  public static OwnRedis start(String... options) {
    Path dir;
    try {
      dir = Files.createTempDirectory("fg-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int port = freePort();
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--daemonize", "no",
        "--logfile", dir.resolve("redis.log").toString()));
    command.addAll(List.of(options));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    } catch (IOException e) {
      delete(dir);
      throw new UncheckedIOException("redis-server could not be started", e);
    }
    OwnRedis redis = new OwnRedis(port, dir, process);
    try {
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> !process.isAlive() || redis.answersPing());
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("stdout.log")));
      }
    } catch (RuntimeException | IOException e) {
      redis.close();
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
    return redis;
  }

  public int port() {
    return port;
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = in.readNBytes(7);
      return "+PONG\r\n".equals(new String(answer, StandardCharsets.US_ASCII));
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      delete(dir);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
