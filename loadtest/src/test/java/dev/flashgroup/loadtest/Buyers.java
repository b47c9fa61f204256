package dev.flashgroup.loadtest;

import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The buyers of one activity at its opening. Each virtual buyer has its own token (one line of
 * the tokens file), one action chosen by the mix, and pays after a pause or never. Joiners take
 * a slot of a group another buyer opened; when none is open yet they open one themselves. Every
 * reservation the API acknowledged is written to the orders file for the verifier.
 */
final class Buyers {

  private final LoadSettings settings;
  private final Queue<String> openSlots = new ConcurrentLinkedQueue<>();
  private final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
  private final OpeningLatency latency = new OpeningLatency();

  Buyers(LoadSettings settings) {
    this.settings = settings;
  }

  HttpProtocolBuilder protocol() {
    return http.baseUrl(settings.baseUrl()).acceptHeader("application/json").shareConnections();
  }

  ScenarioBuilder atOpening() {
    return io.gatling.javaapi.core.CoreDsl.scenario("buyers at the opening")
        .feed(listFeeder(buyers()).queue())
        .exec(this::takeSlot)
        .doIf(session -> kind(session, "OPEN")).then(timed("open group", reserve("open group",
            "/api/v1/activities/" + settings.activity() + "/groups")))
        .doIf(session -> kind(session, "JOIN")).then(timed("join group", reserve("join group",
            "/api/v1/groups/#{joinGroup}/members")))
        .doIf(session -> kind(session, "MATCH")).then(timed("match group", reserve("match group",
            "/api/v1/activities/" + settings.activity() + "/groups/match")))
        .doIf(session -> kind(session, "SOLO")).then(timed("buy alone", reserve("buy alone",
            "/api/v1/activities/" + settings.activity() + "/orders")))
        .exec(this::remember)
        .doIf(session -> session.contains("orderId") && session.getBoolean("pays")).then(pay());
  }

  /** Writes the acknowledged order ids for scripts/verify --acknowledged. */
  void writeAcknowledged() {
    try {
      Files.createDirectories(settings.orders().toAbsolutePath().getParent());
      Files.write(settings.orders(), new ArrayList<>(acknowledged));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the response times by their start (p50, p99 over the run and in its first
   * {@code fg.firstSeconds}) to {@code fg.latency}, where scripts/loadtest prints them from.
   */
  void writeLatency() {
    latency.write(settings.latency(), settings.firstSeconds());
  }

  /** The request, its response time recorded by when it started (Gatling's report has the run's only). */
  private ChainBuilder timed(String name, HttpRequestActionBuilder request) {
    return exec(request.check(responseTimeInMillis().saveAs("rt")))
        .exec(session -> {
          if (session.contains("rt")) {
            latency.record(name, session.getInt("rt"));
          }
          return session.remove("rt");
        });
  }

  private HttpRequestActionBuilder reserve(String name, String path) {
    return http(name).post(path)
        .header("Authorization", "Bearer #{token}")
        .check(status().in(201, 409))
        .check(jsonPath("$.orderId").optional().saveAs("orderId"))
        .check(jsonPath("$.groupId").optional().saveAs("groupId"));
  }

  private ChainBuilder pay() {
    return exec(pause(Duration.ofMillis(settings.payDelayMs())))
        .exec(timed("pay", http("pay").post("/api/v1/orders/#{orderId}/payment")
            .header("Authorization", "Bearer #{token}")
            .check(status().in(200, 409))));
  }

  private Session takeSlot(Session session) {
    if (!kind(session, "JOIN")) {
      return session;
    }
    String group = openSlots.poll();
    return group == null ? session.set("kind", "OPEN") : session.set("joinGroup", group);
  }

  private Session remember(Session session) {
    if (!session.contains("orderId")) {
      return session;
    }
    acknowledged.add(session.getString("orderId"));
    if (kind(session, "OPEN") && session.contains("groupId")) {
      for (int slot = 1; slot < settings.groupSize(); slot++) {
        openSlots.add(session.getString("groupId"));
      }
    }
    return session;
  }

  private static boolean kind(Session session, String kind) {
    return kind.equals(session.getString("kind"));
  }

  /** One record per buyer: token, action by the mix's weights, whether they pay. Seeded, so runs repeat. */
  private List<Map<String, Object>> buyers() {
    List<String> tokens;
    try {
      tokens = Files.readAllLines(settings.tokens()).stream().filter(t -> !t.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the tokens file " + settings.tokens(), e);
    }
    if (tokens.size() < settings.buyers()) {
      throw new IllegalStateException(settings.tokens() + " holds " + tokens.size() + " tokens for "
          + settings.buyers() + " buyers");
    }
    int total = settings.mix().values().stream().mapToInt(Integer::intValue).sum();
    Random random = new Random(42);
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < settings.buyers(); i++) {
      int pick = random.nextInt(total);
      String kind = "SOLO";
      for (Map.Entry<String, Integer> weight : settings.mix().entrySet()) {
        if (pick < weight.getValue()) {
          kind = weight.getKey();
          break;
        }
        pick -= weight.getValue();
      }
      Map<String, Object> record = new HashMap<>();
      record.put("token", tokens.get(i));
      record.put("kind", kind);
      record.put("pays", random.nextDouble() < settings.payShare());
      records.add(record);
    }
    return records;
  }
}
