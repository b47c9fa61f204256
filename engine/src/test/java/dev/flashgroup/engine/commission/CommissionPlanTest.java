package dev.flashgroup.engine.commission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The ledger's rule on its own: facts arriving in any order, one at a time, end at the same commission. */
class CommissionPlanTest {

  private static final Duration WEEK = Duration.ofDays(7);

  @Test
  void commissionIsFlooredOnTheFinalAmount() {
    assertThat(CommissionPlan.commission(1000, 2990, 0, 0, false)).isEqualTo(299);
    assertThat(CommissionPlan.commission(333, 3000, 500, 0, false)).isEqualTo(83);
    assertThat(CommissionPlan.commission(3000, 100, 0, 200, false)).isZero();
    assertThat(CommissionPlan.commission(3000, 100, 0, 0, true)).isZero();
  }

  @Test
  void aPaidOrderPickedUpIsExpectedThenEarned() {
    CommissionRow row = new CommissionRow("1-1", "lead", 1000, 2990, Instant.parse("2026-12-01T00:00:00Z"),
        Stage.EXPECTED, 0, false, null);
    CommissionPlan plan = CommissionPlan.of(row, Set.of(), List.of(), WEEK);
    assertThat(plan.entries()).extracting(CommissionPlan.NewEntry::kind).containsExactly(EntryKind.EXPECTED, EntryKind.EARNED);
    assertThat(plan.entries()).extracting(CommissionPlan.NewEntry::amount).containsExactly(299L, 299L);
    assertThat(plan.stage()).isEqualTo(Stage.EARNED);
    assertThat(plan.settleAt()).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
  }

  @Property(tries = 300)
  void anyArrivalOrderEndsAtTheSameCommission(@ForAll @IntRange(max = 3000) int bps,
      @ForAll @LongRange(min = 2, max = 1_000_000) long paid, @ForAll("shares") List<Integer> shares,
      @ForAll long seed) {
    List<RefundFact> facts = new ArrayList<>();
    long left = paid;
    for (int i = 0; i < shares.size() && left > 0; i++) {
      long amount = Math.max(1, left * shares.get(i) / 100);
      facts.add(new RefundFact((i == 0 ? "RD" : "RC" + i) + "-x", amount, i == 0 ? "TIER_PRICE" : "CLAIM"));
      left -= amount;
    }
    List<RefundFact> arrival = new ArrayList<>(facts);
    Collections.shuffle(arrival, new Random(seed));

    // Refunds may be recorded before the payment is known: the first plan sees those at once.
    Random random = new Random(seed);
    int knownAtPayment = random.nextInt(arrival.size() + 1);
    CommissionRow row = new CommissionRow("1-1", "lead", bps, paid, null, Stage.EXPECTED, 0, false, null);
    Set<String> keys = new HashSet<>();
    List<RefundFact> known = new ArrayList<>(arrival.subList(0, knownAtPayment));
    long sum = 0;
    long base = 0;
    for (int i = knownAtPayment; i <= arrival.size(); i++) {
      known.sort((a, b) -> a.refundNo().compareTo(b.refundNo()));
      CommissionPlan plan = CommissionPlan.of(row, keys, known, WEEK);
      for (CommissionPlan.NewEntry e : plan.entries()) {
        assertThat(keys.add(e.key())).isTrue();
        sum += e.amount();
      }
      row = new CommissionRow("1-1", "lead", bps, paid, null, plan.stage(), plan.total(), false, null);
      base = plan.base();
      // A repeat of the same facts appends nothing.
      assertThat(CommissionPlan.of(row, keys, known, WEEK).entries()).isEmpty();
      if (i < arrival.size()) {
        known.add(arrival.get(i));
      }
    }
    long tier = facts.stream().filter(RefundFact::tierDifference).mapToLong(RefundFact::amount).sum();
    long refunded = facts.stream().mapToLong(RefundFact::amount).sum();
    assertThat(row.total()).isEqualTo(sum).isEqualTo((paid - refunded) * bps / 10_000);
    assertThat(base).isEqualTo((paid - tier) * bps / 10_000);
  }

  @Provide
  Arbitrary<List<Integer>> shares() {
    return Arbitraries.integers().between(1, 100).list().ofMaxSize(4);
  }
}
