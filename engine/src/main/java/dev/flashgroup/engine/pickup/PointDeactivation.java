package dev.flashgroup.engine.pickup;

import reactor.core.publisher.Mono;

/**
 * What else must learn of a point's deactivation once MySQL records it: the activities that deliver
 * to it close it in Redis, so reservations already warm refuse it too. Kept as a port so the
 * activities (which depend on the points) are told without the points depending on them.
 */
public interface PointDeactivation {

  Mono<Void> deactivated(long pointId);
}
