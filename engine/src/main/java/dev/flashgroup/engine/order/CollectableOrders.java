package dev.flashgroup.engine.order;

import reactor.core.publisher.Mono;

/**
 * What the ledger tells fulfilment when it writes an order that became collectable at a pickup
 * point, inside the same transaction (the pickup feature issues its code). A port, so the order
 * feature knows nothing of pickup, which reads the order's events.
 */
public interface CollectableOrders {

  /** The order {@code orderId} of {@code activityId} can be collected at {@code pointId}; idempotent. */
  Mono<Void> becameCollectable(String orderId, long activityId, long pointId);
}
