package dev.flashgroup.engine.pickup;

import java.time.Instant;

/**
 * An order to be collected at a point, as MySQL has it: for the pick list (备货单) and the overdue
 * list. {@code status} is the order's (SUCCEEDED: still to hand out); the window is its current one.
 */
public record PickupOrder(long activityId, String title, String orderId, String buyerId, String status, long pointId,
    Instant pickupFrom, Instant pickupTo, int rollovers) {}
