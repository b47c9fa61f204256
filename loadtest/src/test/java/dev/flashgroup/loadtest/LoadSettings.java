package dev.flashgroup.loadtest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A simulation's settings. Gatling runs in a forked JVM that sees only the plugin's jvmArgs, so
 * they arrive as -Dfg.* system properties (loadtest/pom.xml maps Maven's -Dfg.* onto them).
 *
 * @param mix weights of open / join / match / solo, e.g. {@code open=40,join=40,solo=20,match=0}
 * @param payShare share of buyers who pay (the rest never pay, so expiry runs under load)
 * @param latency where the response times by window are written ({@link OpeningLatency})
 * @param firstSeconds the opening's first seconds, reported apart from the run
 */
record LoadSettings(String baseUrl, long activity, Path tokens, Path orders, int buyers, int windowSeconds,
    int groupSize, Map<String, Integer> mix, double payShare, long payDelayMs, int p99Ms, Path latency,
    int firstSeconds) {

  static LoadSettings fromSystemProperties() {
    return new LoadSettings(
        property("fg.baseUrl", "http://localhost:8080"),
        Long.parseLong(property("fg.activity", "1")),
        Path.of(property("fg.tokens", "target/tokens.csv")),
        Path.of(property("fg.orders", "target/acknowledged-orders.txt")),
        Integer.parseInt(property("fg.buyers", "200")),
        Integer.parseInt(property("fg.window", "10")),
        Integer.parseInt(property("fg.groupSize", "3")),
        mix(property("fg.mix", "open=40,join=40,solo=20,match=0")),
        Double.parseDouble(property("fg.payShare", "0.7")),
        Long.parseLong(property("fg.payDelayMs", "500")),
        Integer.parseInt(property("fg.p99Ms", "1000")),
        Path.of(property("fg.latency", "target/opening-latency.txt")),
        Integer.parseInt(property("fg.firstSeconds", "3")));
  }

  private static String property(String name, String fallback) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static Map<String, Integer> mix(String text) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String[] kv = part.split("=");
      String kind = kv[0].strip().toUpperCase(java.util.Locale.ROOT);
      if (!java.util.Set.of("OPEN", "JOIN", "MATCH", "SOLO").contains(kind) || kv.length != 2) {
        throw new IllegalArgumentException("fg.mix: expected open=N,join=N,match=N,solo=N, got '" + text + "'");
      }
      weights.put(kind, Integer.parseInt(kv[1].strip()));
    }
    return weights;
  }
}
