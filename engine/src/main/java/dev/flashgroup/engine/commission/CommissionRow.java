package dev.flashgroup.engine.commission;

import java.time.Instant;

/**
 * An attributed, paid order's commission as MySQL holds it: the facts the events brought (rate,
 * amount paid, pickup time), where it stands and its current amount ({@code total}, the sum of its
 * entries). {@code adminReversed}: an admin took it back, and it stays nothing whatever follows.
 */
record CommissionRow(String orderId, String leaderId, int bps, long paidAmount, Instant pickedUpAt, Stage stage,
    long total, boolean adminReversed, Instant settleAt) {}
