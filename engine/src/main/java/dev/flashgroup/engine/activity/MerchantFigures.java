package dev.flashgroup.engine.activity;

import java.util.Map;

/**
 * What a merchant watches during an activity. Remaining stock is Redis' count as of now; groups and
 * orders by status are what the workers have written to MySQL (a few milliseconds behind).
 */
public record MerchantFigures(int remainingStock, Map<String, Long> groups, Map<String, Long> orders) {}
