package dev.flashgroup.loadtest.verifier;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the invariants of DESIGN.md against a running deployment's MySQL, Redis, RabbitMQ and
 * API once the system has gone quiet. Prints a table per activity and every violation; exits 0
 * when there is none, 1 when there is any, 2 when it could not check (bad arguments, a service
 * unreachable).
 *
 * <p>Run it through {@code scripts/verify [--acknowledged FILE] [ACTIVITY_ID...]}.
 */
public final class Verifier {

  private static final Pattern REMAINING = Pattern.compile("\"remainingStock\"\\s*:\\s*(-?\\d+)");

  private final VerifierSettings settings;
  private final PrintStream out;

  Verifier(VerifierSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = new Verifier(VerifierSettings.from(System.getenv(), Arrays.asList(args)), System.out).run();
    } catch (IllegalArgumentException e) {
      System.err.println("verify: " + e.getMessage());
      code = 2;
    }
    System.exit(code);
  }

  /** Returns the exit code. */
  int run() {
    try (Connection db = DriverManager.getConnection(settings.dbUrl(), settings.dbUser(), settings.dbPassword());
        RedisNodes redis = new RedisNodes(settings)) {
      List<Long> ids = settings.activities().isEmpty() ? Ledger.activityIds(db) : settings.activities();
      List<Violation> violations = new ArrayList<>();
      Quiet quiet = new Quiet(settings, redis, db);
      List<String> busy = quiet.await(ids);
      for (String what : busy) {
        violations.add(new Violation(0, "NOT_QUIET", "still busy after " + settings.quietTimeout().toSeconds()
            + " s: " + what));
      }
      long deadLetters = quiet.messages(settings.mqPrefix() + ".dead-letters");
      if (deadLetters > 0) {
        violations.add(new Violation(0, "DEAD_LETTERS", deadLetters + " messages in " + settings.mqPrefix()
            + ".dead-letters (events the workers gave up on)"));
      }
      Report report = new Report(out);
      List<String> acknowledged = acknowledgedOrders();
      for (long id : ids) {
        Optional<Ledger> mysql = Ledger.read(db, id);
        if (mysql.isEmpty()) {
          violations.add(new Violation(id, "UNKNOWN_ACTIVITY", "activity " + id + " is not in MySQL"));
          continue;
        }
        LiveState live = LiveState.read(redis, settings.buckets(id, Ledger.shards(db, id)));
        List<Violation> found = new ArrayList<>(Invariants.check(mysql.get(), live));
        List<String> mine = acknowledged.stream().filter(o -> o.startsWith(id + "-")).toList();
        found.addAll(Invariants.acknowledged(id, mine, mysql.get()));
        apiView(id, live).ifPresent(found::add);
        report.row(mysql.get(), found.size());
        violations.addAll(found);
      }
      report.violations(violations);
      return violations.isEmpty() ? 0 : 1;
    } catch (SQLException | IOException | RuntimeException e) {
      out.println("verify: could not check: " + e);
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 2;
    }
  }

  private List<String> acknowledgedOrders() throws IOException {
    if (settings.acknowledged() == null) {
      return List.of();
    }
    return Files.readAllLines(settings.acknowledged()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** The buyers' view must show the remaining stock Redis holds. */
  private Optional<Violation> apiView(long activity, LiveState live) throws IOException, InterruptedException {
    if (settings.apiUrl().isBlank() || !live.warm()) {
      return Optional.empty();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.apiUrl() + "/api/v1/activities/" + activity))
        .timeout(Duration.ofSeconds(5));
    if (!settings.apiToken().isBlank()) {
      request.header("Authorization", "Bearer " + settings.apiToken());
    }
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return Optional.of(new Violation(activity, "API_UNREACHABLE", settings.apiUrl() + ": " + e));
    }
    Matcher m = REMAINING.matcher(response.body());
    if (response.statusCode() != 200 || !m.find()) {
      return Optional.of(new Violation(activity, "API_MISMATCH", "GET /api/v1/activities/" + activity + " answered "
          + response.statusCode()));
    }
    int shown = Integer.parseInt(m.group(1));
    return shown == live.stock() ? Optional.empty() : Optional.of(new Violation(activity, "API_MISMATCH",
        "the API shows " + shown + " units left, Redis holds " + live.stock()));
  }
}
