package dev.flashgroup.loadtest.verifier;

import dev.flashgroup.engine.support.Isolation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The invariant verifier ({@code scripts/verify}) run from an engine test against that test's own
 * database, namespace and queues (its {@link Isolation}), as an operator would run it on a
 * deployment: the verifier's sources are compiled with the engine's tests (engine/pom.xml).
 */
public final class EngineVerification {

  /** What the verifier printed and its exit code (0: no violation). */
  public record Result(int exitCode, String printed) {

    public boolean clean() {
      return exitCode == 0 && printed.contains("no violations");
    }
  }

  private EngineVerification() {}

  /** Verifies {@code activity}; each id in {@code acknowledged} (a file, one a line) must be exactly one order row. */
  public static Result verify(Isolation isolation, String relayGroup, long activity, Path acknowledged) {
    Map<String, String> env = Map.ofEntries(
        Map.entry("FLASHGROUP_DB_HOST", Isolation.DB_HOST),
        Map.entry("FLASHGROUP_DB_PORT", Isolation.DB_PORT),
        Map.entry("FLASHGROUP_DB_NAME", isolation.database()),
        Map.entry("FLASHGROUP_DB_USER", Isolation.DB_USER),
        Map.entry("FLASHGROUP_DB_PASSWORD", Isolation.DB_PASSWORD),
        Map.entry("FLASHGROUP_REDIS_HOST", Isolation.REDIS_HOST),
        Map.entry("FLASHGROUP_REDIS_PORT", Integer.toString(Isolation.REDIS_PORT)),
        Map.entry("FLASHGROUP_REDIS_CLUSTER_NODES", Isolation.REDIS_CLUSTER_NODES),
        Map.entry("FLASHGROUP_REDIS_NAMESPACE", isolation.namespace()),
        Map.entry("FLASHGROUP_MESSAGING_HOST", Isolation.RABBIT_HOST),
        Map.entry("FLASHGROUP_MESSAGING_PORT", Integer.toString(Isolation.RABBIT_PORT)),
        Map.entry("FLASHGROUP_MESSAGING_PREFIX", isolation.messagingPrefix()),
        Map.entry("FLASHGROUP_RELAY_CONSUMER_GROUP", relayGroup),
        // The engine's tests run no HTTP API: its view of the stock is not checked.
        Map.entry("FLASHGROUP_API_URL", ""),
        Map.entry("FLASHGROUP_VERIFY_TIMEOUT", "60"));
    List<String> args = new ArrayList<>(List.of("--acknowledged", acknowledged.toString(), Long.toString(activity)));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int code = new Verifier(VerifierSettings.from(env, args), new PrintStream(printed, true, StandardCharsets.UTF_8))
        .run();
    return new Result(code, printed.toString(StandardCharsets.UTF_8));
  }
}
