package dev.flashgroup.engine.order.event;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.order.OrderStatus;

/**
 * An order as a script left it. {@code groupId} is empty for a solo order. {@code paidAmount},
 * {@code finalAmount} and {@code refundedAmount} are null where the script leaves them out (the
 * scripts that do not read them); amounts are in fen, {@code payBy} in epoch milliseconds.
 * {@code pointId} is the pickup point the order is collected at, absent for an activity without
 * points. {@code pickupFrom}, {@code pickupTo} (epoch ms) and {@code rollovers} are its current pickup
 * window and how often it rolled over, once it is collectable at a point; {@code pickedUpAt} (epoch
 * ms) when it was handed out there, absent before. {@code leaderId}: the leader the order is
 * attributed to, absent for none (and on the events whose script does not read it);
 * {@code attribution} (REFERRER, BINDING, POINT) and {@code bindsTo} (the leader a referred order
 * binds the buyer to) only on {@code ReservationMade}.
 */
public record OrderSnapshot(String id, ActivityId activityId, String groupId, String buyerId, OrderStatus status,
    long amount, long payBy, int version, @MayBeAbsent Long paidAmount, @MayBeAbsent Long finalAmount,
    @MayBeAbsent Long refundedAmount, @MayBeAbsent Long pointId, @MayBeAbsent Long pickupFrom,
    @MayBeAbsent Long pickupTo, @MayBeAbsent Integer rollovers, @MayBeAbsent Long pickedUpAt,
    @MayBeAbsent String leaderId, @MayBeAbsent String attribution, @MayBeAbsent String bindsTo) {

  /** The group's id; null for a solo order. */
  public String groupOrNull() {
    return groupId.isEmpty() ? null : groupId;
  }
}
