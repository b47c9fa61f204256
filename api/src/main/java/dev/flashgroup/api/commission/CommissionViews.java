package dev.flashgroup.api.commission;

import dev.flashgroup.engine.commission.LedgerEntry;
import dev.flashgroup.engine.commission.Withdrawal;
import java.time.Instant;
import java.util.List;

/** What the API answers about commission and withdrawals (amounts in fen). */
final class CommissionViews {

  private CommissionViews() {}

  /** One ledger entry; {@code refundNo} for ADJUSTED and REVERSED entries (ADMIN for an admin's), else null. */
  record EntryView(long id, String orderId, String kind, String refundNo, long amount, String stage, String reason,
      String note, Instant at) {

    static EntryView of(LedgerEntry e) {
      return new EntryView(e.id(), e.orderId(), e.kind().name(), e.ref().isEmpty() ? null : e.ref(), e.amount(),
          e.stage().name(), e.reason(), e.note(), e.at());
    }
  }

  /** A page of entries, newest first; {@code next}: pass as {@code cursor} for the older ones, null on the last page. */
  record LedgerPage(String leaderId, List<EntryView> entries, Long next) {

    static LedgerPage of(String leader, List<LedgerEntry> page, int limit) {
      return new LedgerPage(leader, page.stream().map(EntryView::of).toList(),
          page.size() < limit ? null : page.get(page.size() - 1).id());
    }
  }

  record WithdrawalView(long id, String leaderId, long amount, String status, String transferReference, String reason,
      Instant requestedAt, Instant decidedAt, String decidedBy) {

    static WithdrawalView of(Withdrawal w) {
      return new WithdrawalView(w.id(), w.leaderId(), w.amount(), w.status().name(), w.transferReference(), w.reason(),
          w.requestedAt(), w.decidedAt(), w.decidedBy());
    }
  }

  record WithdrawalPage(List<WithdrawalView> withdrawals, Long next) {}
}
