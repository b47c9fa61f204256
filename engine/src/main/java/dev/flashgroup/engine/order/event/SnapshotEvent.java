package dev.flashgroup.engine.order.event;

import java.util.List;

/**
 * An event that carries the orders and the group it changed, each snapshot at the version it
 * reached. {@code group} is null for a solo order's events (and for refund confirmations).
 */
public sealed interface SnapshotEvent extends OrderEvent
    permits ReservationMade, PaymentConfirmed, GroupSucceeded, GroupFailed, ReservationExpired, RefundConfirmed,
    OrderPickedUp, PickupRolledOver, PickupOverdue {

  List<OrderSnapshot> orders();

  GroupSnapshot group();
}
