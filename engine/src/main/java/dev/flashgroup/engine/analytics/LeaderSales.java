package dev.flashgroup.engine.analytics;

/**
 * A leader's figures over a period: attributed orders sold and their GMV (fen), the share of the
 * paid ones whose group succeeded, the commission on them now (fen), buyers newly bound.
 */
public record LeaderSales(String leader, long orders, long gmv, double successRate, long commission,
    long newMembers) {}
