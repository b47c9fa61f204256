package dev.flashgroup.engine.order;

import dev.flashgroup.engine.order.event.OrderEvent;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Another feature's record that follows a whole batch of events at once (the daily sales figures):
 * it runs in the order ledger's transaction after the batch's rows and the {@link LedgerFollower}s,
 * so it reads the orders as the batch left them (their rows locked by the batch), and commits with
 * the batch or not at all. Like the ledger, it must be idempotent and indifferent to the order of
 * events.
 */
public interface BatchFollower {

  Mono<Void> follow(List<OrderEvent> events);
}
