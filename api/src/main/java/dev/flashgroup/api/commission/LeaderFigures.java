package dev.flashgroup.api.commission;

import dev.flashgroup.api.commission.CommissionViews.LedgerPage;
import dev.flashgroup.engine.commission.CommissionLedger;
import dev.flashgroup.engine.commission.Dashboard;
import dev.flashgroup.engine.commission.LeaderDashboard;
import java.time.LocalDate;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A leader's dashboard and ledger pages, the same for the leader and for an admin; the
 * controllers decide who may see whose. Parameters are checked before anything is read.
 */
@Component
class LeaderFigures {

  private final LeaderDashboard dashboards;
  private final CommissionLedger ledger;

  LeaderFigures(LeaderDashboard dashboards, CommissionLedger ledger) {
    this.dashboards = dashboards;
    this.ledger = ledger;
  }

  /** A checked request for one leader's figures: {@link #of(String)} reads them. */
  interface Read<T> {
    Mono<ResponseEntity<T>> of(String leader);
  }

  Read<Dashboard> dashboard(String from, String to) {
    LocalDate first = LedgerQuery.day("from", from);
    LocalDate last = LedgerQuery.day("to", to);
    return leader -> dashboards.of(leader, first, last).map(ResponseEntity::ok);
  }

  Read<LedgerPage> ledger(Long cursor, int limit) {
    long before = LedgerQuery.cursor(cursor);
    int size = LedgerQuery.limit(limit);
    return leader -> ledger.entries(leader, before, size).collectList()
        .map(page -> ResponseEntity.ok(LedgerPage.of(leader, page, size)));
  }
}
