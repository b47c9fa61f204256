package dev.flashgroup.engine.alert;

import java.time.Instant;

/**
 * A low-stock alert as MySQL records it: a reservation ({@code orderId}) left {@code remaining}
 * units at or below {@code safetyStock}, for the activity ({@code pointId} null) or one pickup
 * point's share. {@code id} is the StockLow event's deterministic alert id.
 */
public record StockAlert(String id, long activityId, Long pointId, String orderId, long remaining, long safetyStock,
    Instant at) {}
