package dev.flashgroup.engine.order;

import dev.flashgroup.engine.order.event.OrderEvent;
import reactor.core.publisher.Mono;

/**
 * Another feature's record that follows the orders' events (the leaders' commission ledger). Each
 * event's writes run inside the order ledger's transaction, after the order's own: they commit
 * with the event's delivery or not at all, and the delivery is acknowledged only after both.
 * Like the ledger itself, a follower must be idempotent and indifferent to the order of events.
 */
public interface LedgerFollower {

  Mono<Void> follow(OrderEvent event);
}
