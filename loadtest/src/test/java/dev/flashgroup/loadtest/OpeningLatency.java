package dev.flashgroup.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * Response times by the moment their request started, so the opening's first seconds (where a cold
 * JVM shows) are reported apart from the whole run: count, p50 and p99 over the run and in the
 * first {@code fg.firstSeconds} seconds, for all requests and per request name. Gatling's own report
 * has the whole run only.
 */
final class OpeningLatency {

  private record Sample(String request, long startedMs, long millis) {}

  private final Queue<Sample> samples = new ConcurrentLinkedQueue<>();

  /** A response that took {@code millis}, ending now. */
  void record(String request, long millis) {
    samples.add(new Sample(request, System.currentTimeMillis() - millis, millis));
  }

  /** Writes the table to {@code file}: a line per request name and window. */
  void write(Path file, int firstSeconds) {
    List<Sample> all = new ArrayList<>(samples);
    long start = all.stream().mapToLong(Sample::startedMs).min().orElse(0);
    Predicate<Sample> early = s -> s.startedMs() < start + firstSeconds * 1000L;
    Map<String, List<Sample>> byName = new TreeMap<>();
    byName.put("all requests", all);
    all.forEach(s -> byName.computeIfAbsent(s.request(), n -> new ArrayList<>()).add(s));
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-14s %-10s %8s %8s %8s", "request", "window", "count", "p50 ms", "p99 ms"));
    byName.forEach((name, list) -> {
      lines.add(line(name, "run", list));
      lines.add(line(name, "first " + firstSeconds + " s", list.stream().filter(early).toList()));
    });
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String line(String name, String window, List<Sample> samples) {
    List<Long> sorted = samples.stream().map(Sample::millis).sorted(Comparator.naturalOrder()).toList();
    return String.format(Locale.ROOT, "%-14s %-10s %8d %8s %8s", name, window, sorted.size(), percentile(sorted, 50),
        percentile(sorted, 99));
  }

  /** Nearest rank; "-" without samples. */
  static String percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return "-";
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return Long.toString(sorted.get(Math.max(0, rank - 1)));
  }
}
