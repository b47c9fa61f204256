package dev.flashgroup.engine.commission;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The entries an order's commission still lacks, given what is recorded: the rule of the ledger
 * (docs/commission.md), free of I/O so it can be tested on its own.
 *
 * <p>The order's commission is always {@code floor((paid − tier difference − reversed refunds) ×
 * bps / 10000)} over the refunds it has entries for (nothing once an admin reversed it), and every
 * entry that changes it is the difference between that figure after and before the entry. Entries
 * are appended in a fixed order (EXPECTED, then the refunds by refund number, then EARNED), so
 * whatever order the facts arrive in and however often, the commission ends at the same figure:
 * the one the order's final facts imply. An entry's own amount may differ by a fen with the order
 * of arrival (each is floored on the running figure); {@code base}, the commission on the final
 * price before any reversal, does not, and {@code base - total} is what reversals took.
 */
record CommissionPlan(List<NewEntry> entries, Stage stage, long total, long base, Instant settleAt) {

  static final int BPS_SCALE = 10_000;

  /** An entry to append; {@code stage} is the order's after it. */
  record NewEntry(EntryKind kind, String ref, long amount, Stage stage, String reason) {

    String key() {
      return CommissionPlan.key(kind, ref);
    }
  }

  static String key(EntryKind kind, String ref) {
    return kind.name() + ":" + ref;
  }

  /** Commission on {@code paid} less the tier difference and the reversed refunds, floored to the fen. */
  static long commission(int bps, long paid, long tierDifference, long reversed, boolean adminReversed) {
    if (adminReversed) {
      return 0;
    }
    long base = Math.max(0, paid - tierDifference - reversed);
    return Math.multiplyExact(base, (long) bps) / BPS_SCALE;
  }

  /**
   * What to append to {@code row}, whose entries have {@code recorded} keys; {@code refunds} are every
   * refund recorded for the order, sorted by refund number.
   */
  static CommissionPlan of(CommissionRow row, Set<String> recorded, List<RefundFact> refunds, Duration settleAfter) {
    Set<String> keys = new HashSet<>(recorded);
    long tier = 0;
    long reversed = 0;
    for (RefundFact r : refunds) {
      if (keys.contains(key(r.kind(), r.refundNo()))) {
        tier += r.tierDifference() ? r.amount() : 0;
        reversed += r.tierDifference() ? 0 : r.amount();
      }
    }
    List<NewEntry> entries = new ArrayList<>();
    Stage stage = row.stage();
    long total = row.total();
    if (!keys.contains(key(EntryKind.EXPECTED, ""))) {
      long now = commission(row.bps(), row.paidAmount(), tier, reversed, row.adminReversed());
      entries.add(new NewEntry(EntryKind.EXPECTED, "", now - total, stage, "PAID"));
      total = now;
    }
    for (RefundFact r : refunds) {
      if (keys.contains(key(r.kind(), r.refundNo()))) {
        continue;
      }
      tier += r.tierDifference() ? r.amount() : 0;
      reversed += r.tierDifference() ? 0 : r.amount();
      long now = commission(row.bps(), row.paidAmount(), tier, reversed, row.adminReversed());
      entries.add(new NewEntry(r.kind(), r.refundNo(), now - total, stage, r.reason()));
      total = now;
    }
    Instant settleAt = row.settleAt();
    if (row.pickedUpAt() != null && stage == Stage.EXPECTED) {
      stage = Stage.EARNED;
      settleAt = row.pickedUpAt().plus(settleAfter);
      entries.add(new NewEntry(EntryKind.EARNED, "", total, stage, "PICKED_UP"));
    }
    long base = commission(row.bps(), row.paidAmount(), tier, 0, false);
    return new CommissionPlan(List.copyOf(entries), stage, total, base, settleAt);
  }
}
