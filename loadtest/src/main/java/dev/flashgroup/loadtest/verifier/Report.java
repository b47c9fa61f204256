package dev.flashgroup.loadtest.verifier;

import java.io.PrintStream;
import java.util.List;

/** The verifier's table: one row per activity, then every violation. */
final class Report {

  private static final String ROW = "%-10s %8s %9s %7s %10s %8s %9s %11s%n";

  private final PrintStream out;

  Report(PrintStream out) {
    this.out = out;
    out.printf(ROW, "activity", "stock", "reserved", "paid", "succeeded", "expired", "refunded", "violations");
  }

  void row(Ledger mysql, int violations) {
    out.printf(ROW, mysql.activity(), mysql.stock(), mysql.orders().size(), mysql.payments().size(),
        mysql.count("SUCCEEDED", "PICKED_UP", "OVERDUE"), mysql.count("EXPIRED"), mysql.count("REFUNDED", "REFUNDING"),
        violations);
  }

  void violations(List<Violation> violations) {
    if (violations.isEmpty()) {
      out.println("verify: OK, no violations (invariants 1-5 of DESIGN.md hold; Redis and MySQL agree)");
      return;
    }
    out.println("verify: " + violations.size() + " VIOLATIONS");
    violations.stream().limit(50).forEach(v -> out.println("  " + v));
    if (violations.size() > 50) {
      out.println("  ... and " + (violations.size() - 50) + " more");
    }
  }
}
