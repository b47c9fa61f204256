package dev.flashgroup.engine.order;

import java.time.Instant;

/** An order's live state, as Redis holds it. {@code groupId} is null for a solo order. */
public record OrderView(String id, long activityId, String groupId, String buyerId, OrderStatus status,
    long amount, Instant payBy) {}
