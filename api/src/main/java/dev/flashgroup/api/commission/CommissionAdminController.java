package dev.flashgroup.api.commission;

import dev.flashgroup.api.commission.CommissionViews.EntryView;
import dev.flashgroup.api.commission.CommissionViews.LedgerPage;
import dev.flashgroup.api.commission.CommissionViews.WithdrawalView;
import dev.flashgroup.api.leader.ActiveLeaders;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.commission.AdminReversal;
import dev.flashgroup.engine.commission.CommissionLedger;
import dev.flashgroup.engine.commission.Dashboard;
import dev.flashgroup.engine.commission.WithdrawalDecision;
import dev.flashgroup.engine.commission.Withdrawals;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Admins read any leader's dashboard and ledger (suspended leaders' too) under the leader's path,
 * take commission back with a reason, and decide withdrawals.
 */
@RestController
@RequestMapping("/api/v1/admin")
class CommissionAdminController {

  record Reason(String reason) {}

  record Payment(String transferReference) {}

  private final ActiveLeaders leaders;
  private final LeaderFigures figures;
  private final CommissionLedger ledger;
  private final Withdrawals withdrawals;

  CommissionAdminController(ActiveLeaders leaders, LeaderFigures figures, CommissionLedger ledger,
      Withdrawals withdrawals) {
    this.leaders = leaders;
    this.figures = figures;
    this.ledger = ledger;
    this.withdrawals = withdrawals;
  }

  @GetMapping("/leaders/{subject}/dashboard")
  Mono<ResponseEntity<Dashboard>> dashboard(@PathVariable String subject, @RequestParam(required = false) String from,
      @RequestParam(required = false) String to) {
    var read = figures.dashboard(from, to);
    return leaders.anyLeader(subject, leader -> read.of(leader.subject()));
  }

  @GetMapping("/leaders/{subject}/ledger")
  Mono<ResponseEntity<LedgerPage>> ledger(@PathVariable String subject, @RequestParam(required = false) Long cursor,
      @RequestParam(defaultValue = "50") int limit) {
    var read = figures.ledger(cursor, limit);
    return leaders.anyLeader(subject, leader -> read.of(leader.subject()));
  }

  /** Takes back what is left of the leader's commission on the order (also from a suspended leader). */
  @PostMapping("/leaders/{subject}/commissions/{orderId}/reversal")
  Mono<ResponseEntity<EntryView>> reverse(@PathVariable String subject, @PathVariable String orderId,
      @RequestBody Reason body) {
    return leaders.anyLeader(subject, leader -> ledger.reverseByAdmin(leader.subject(), orderId, body.reason())
        .map(outcome -> reversal(subject, orderId, outcome)));
  }

  private static ResponseEntity<EntryView> reversal(String subject, String orderId, AdminReversal outcome) {
    if (outcome instanceof AdminReversal.Reversed done) {
      return ResponseEntity.ok(EntryView.of(done.entry()));
    }
    if (outcome instanceof AdminReversal.AlreadyReversed already) {
      return Problems.response(HttpStatus.CONFLICT, "ALREADY_REVERSED",
          "An admin reversed this commission before: " + already.entry().note());
    }
    return Problems.notFound("commission of " + subject + " on order", orderId);
  }

  @PostMapping("/withdrawals/{id}/payment")
  Mono<ResponseEntity<WithdrawalView>> paid(@PathVariable long id, @RequestBody Payment body,
      JwtAuthenticationToken auth) {
    return withdrawals.markPaid(id, auth.getName(), body.transferReference()).map(d -> answer(id, d));
  }

  @PostMapping("/withdrawals/{id}/rejection")
  Mono<ResponseEntity<WithdrawalView>> rejected(@PathVariable long id, @RequestBody Reason body,
      JwtAuthenticationToken auth) {
    return withdrawals.reject(id, auth.getName(), body.reason()).map(d -> answer(id, d));
  }

  private static ResponseEntity<WithdrawalView> answer(long id, WithdrawalDecision decision) {
    if (decision instanceof WithdrawalDecision.Decided done) {
      return ResponseEntity.ok(WithdrawalView.of(done.withdrawal()));
    }
    if (decision instanceof WithdrawalDecision.AlreadyDecided already) {
      return Problems.response(HttpStatus.CONFLICT, "ALREADY_DECIDED",
          "The withdrawal was already " + already.withdrawal().status());
    }
    if (decision instanceof WithdrawalDecision.TransferReferenceUsed used) {
      return Problems.response(HttpStatus.CONFLICT, "TRANSFER_REFERENCE_USED",
          "The transfer " + used.transferReference() + " already paid another withdrawal");
    }
    return Problems.notFound("withdrawal", Long.toString(id));
  }
}
