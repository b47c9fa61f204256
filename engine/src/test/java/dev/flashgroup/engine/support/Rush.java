package dev.flashgroup.engine.support;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.ReservationOutcome.Reserved;
import dev.flashgroup.engine.reservation.Reservations;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** Many distinct buyers at once, half opening a group and half buying alone; every one must be served. */
public final class Rush {

  private static final Duration CALL = Duration.ofSeconds(30);

  private Rush() {}

  /**
   * The order ids of {@code count} reservations by buyers {@code wave-0}, {@code wave-1}, ...
   * started on {@code buyers} (a scheduler that may block: Lettuce briefly parks writers that meet
   * on its connection lock, which BlockHound refuses on event-loop threads).
   */
  public static List<String> reserve(Reservations reservations, Activity activity, String wave, int count,
      Scheduler buyers) {
    return Flux.range(0, count)
        .flatMap(i -> {
          String buyer = wave + "-" + i;
          Mono<ReservationOutcome> outcome = i % 2 == 0
              ? reservations.buyAlone(activity.id(), buyer, null)
              : reservations.openGroup(activity.id(), buyer, null);
          return outcome.subscribeOn(buyers).map(o -> {
            if (o instanceof Reserved reserved) {
              return reserved.orderId();
            }
            throw new AssertionError(buyer + " was not served: " + o);
          });
        }, 128)
        .collectList().block(CALL);
  }
}
