package dev.flashgroup.engine.commission;

import java.time.Instant;

/**
 * One entry of a leader's commission ledger. {@code ref} is the refund number of an ADJUSTED or
 * REVERSED entry ({@code ADMIN} for an admin's reversal), empty otherwise; {@code amount} is
 * signed fen; {@code stage} is where the order's commission stood after it; {@code reason} PAID,
 * TIER_PRICE, PICKED_UP, SETTLE_AFTER, the refund's reason (GROUP_FAILED, CLAIM, ...) or ADMIN;
 * {@code note} the admin's words.
 */
public record LedgerEntry(long id, String leaderId, String orderId, EntryKind kind, String ref, long amount,
    Stage stage, String reason, String note, Instant at) {}
