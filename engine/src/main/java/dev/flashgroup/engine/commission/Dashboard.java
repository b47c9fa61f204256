package dev.flashgroup.engine.commission;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * A leader's figures, amounts in fen. {@code expected}: commission on paid orders not picked up
 * yet; {@code earned}: on picked-up orders inside the after-sales window; {@code settled}: all that
 * ever settled; {@code reversed}: all that refunds and admins took back, at any stage;
 * {@code balance}: what may be withdrawn now (settled orders' commission, less withdrawals paid or
 * pending; negative after a refund past settlement); {@code withdrawn}: withdrawals paid. The totals
 * cover all time; {@code groups} and {@code orders} the days {@code from}..{@code to} in {@code zone}.
 */
public record Dashboard(String leaderId, LocalDate from, LocalDate to, ZoneId zone, long expected, long earned,
    long settled, long reversed, long balance, long withdrawn, Members members, Groups groups, List<Day> orders) {

  /** Buyers bound to the leader now, and those who became bound in the last seven days. */
  public record Members(long bound, long newThisWeek) {}

  /** Groups with an order attributed to the leader, made in the period; {@code successRate} 0..1. */
  public record Groups(long opened, long succeeded, double successRate) {}

  /** One day's paid attributed orders: how many, what they paid, their commission now. */
  public record Day(LocalDate date, long orders, long gmv, long commission) {}
}
