package dev.flashgroup.engine.analytics;

/**
 * One funnel: unique viewers of the page (a HyperLogLog estimate), then the orders reserved,
 * paid, whose group succeeded, handed out and refunded in full, and the groups that succeeded.
 */
public record Funnel(long viewers, long reservations, long paid, long groupsSucceeded, long pickedUp,
    long refunded) {}
