package dev.flashgroup.engine.progress;

/**
 * An activity as buyers watch it: units still for sale and groups formed so far. Remaining stock
 * is Redis' count; groups formed is MySQL's count when this instance began reading the activity
 * plus the successes it has read since (a group still in flight at that moment can be missed).
 */
public record ActivityProgress(long activityId, int remainingStock, long groupsFormed, boolean cancelled) {}
