package dev.flashgroup.engine.activity;

import java.util.Map;

/**
 * What a merchant watches during an activity. Remaining stock, and each pickup point's free units
 * (point id → units, in allocation order; empty without points), are Redis' counts as of now; groups
 * and orders by status are what the workers have written to MySQL (a few milliseconds behind).
 */
public record MerchantFigures(int remainingStock, Map<Long, Integer> pointsRemaining, Map<String, Long> groups,
    Map<String, Long> orders) {}
