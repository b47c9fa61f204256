package dev.flashgroup.api.commission;

import dev.flashgroup.api.commission.CommissionViews.LedgerPage;
import dev.flashgroup.api.commission.CommissionViews.WithdrawalPage;
import dev.flashgroup.api.commission.CommissionViews.WithdrawalView;
import dev.flashgroup.api.leader.ActiveLeaders;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.commission.Dashboard;
import dev.flashgroup.engine.commission.WithdrawalRequest;
import dev.flashgroup.engine.commission.Withdrawals;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A leader's own commission: the dashboard, the ledger, withdrawals. Always the caller's own (the
 * token's subject); an admin reads anyone's through {@link CommissionAdminController}.
 */
@RestController
@RequestMapping("/api/v1/leader")
class LeaderCommissionController {

  record WithdrawalBody(Long amount) {}

  private final ActiveLeaders leaders;
  private final LeaderFigures figures;
  private final Withdrawals withdrawals;

  LeaderCommissionController(ActiveLeaders leaders, LeaderFigures figures, Withdrawals withdrawals) {
    this.leaders = leaders;
    this.figures = figures;
    this.withdrawals = withdrawals;
  }

  @GetMapping("/dashboard")
  Mono<ResponseEntity<Dashboard>> dashboard(@RequestParam(required = false) String from,
      @RequestParam(required = false) String to, JwtAuthenticationToken auth) {
    var read = figures.dashboard(from, to);
    return leaders.asLeader(auth.getName(), leader -> read.of(leader.subject()));
  }

  @GetMapping("/ledger")
  Mono<ResponseEntity<LedgerPage>> ledger(@RequestParam(required = false) Long cursor,
      @RequestParam(defaultValue = "50") int limit, JwtAuthenticationToken auth) {
    var read = figures.ledger(cursor, limit);
    return leaders.asLeader(auth.getName(), leader -> read.of(leader.subject()));
  }

  @GetMapping("/withdrawals")
  Mono<ResponseEntity<WithdrawalPage>> withdrawals(@RequestParam(required = false) Long cursor,
      @RequestParam(defaultValue = "50") int limit, JwtAuthenticationToken auth) {
    long before = LedgerQuery.cursor(cursor);
    int size = LedgerQuery.limit(limit);
    return leaders.asLeader(auth.getName(), leader -> withdrawals.ofLeader(leader.subject(), before, size)
        .map(WithdrawalView::of).collectList()
        .map(page -> ResponseEntity.ok(new WithdrawalPage(page, page.size() < size ? null : page.get(page.size() - 1).id()))));
  }

  @PostMapping("/withdrawals")
  Mono<ResponseEntity<WithdrawalView>> withdraw(@RequestBody WithdrawalBody body, JwtAuthenticationToken auth) {
    if (body.amount() == null) {
      throw new InvalidField("amount", "must be an amount in fen");
    }
    return leaders.asLeader(auth.getName(), leader -> withdrawals.request(leader.subject(), body.amount())
        .map(LeaderCommissionController::answer));
  }

  private static ResponseEntity<WithdrawalView> answer(WithdrawalRequest outcome) {
    if (outcome instanceof WithdrawalRequest.Accepted accepted) {
      return ResponseEntity.status(HttpStatus.CREATED).body(WithdrawalView.of(accepted.withdrawal()));
    }
    if (outcome instanceof WithdrawalRequest.BelowMinimum below) {
      return Problems.response(HttpStatus.UNPROCESSABLE_ENTITY, "BELOW_MINIMUM_WITHDRAWAL",
          "A withdrawal takes at least " + below.minimum() + " fen");
    }
    if (outcome instanceof WithdrawalRequest.InsufficientBalance insufficient) {
      return Problems.response(HttpStatus.CONFLICT, "INSUFFICIENT_BALANCE",
          "The settled balance is " + insufficient.balance() + " fen");
    }
    if (outcome instanceof WithdrawalRequest.AlreadyPending pending) {
      return Problems.response(HttpStatus.CONFLICT, "WITHDRAWAL_PENDING",
          "Withdrawal " + pending.pending().id() + " is still pending");
    }
    return Problems.response(HttpStatus.FORBIDDEN, "NOT_A_LEADER", "You are not a leader");
  }
}
