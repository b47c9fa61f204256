package dev.flashgroup.loadtest.verifier;

/**
 * One broken invariant. {@code kind} is a stable name scripts and tests can look for.
 *
 * @param activity the activity concerned, 0 for the deployment as a whole
 */
public record Violation(long activity, String kind, String detail) {

  @Override
  public String toString() {
    return (activity == 0 ? "-" : "a" + activity) + "  " + kind + "  " + detail;
  }
}
