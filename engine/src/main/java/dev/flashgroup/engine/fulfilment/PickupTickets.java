package dev.flashgroup.engine.fulfilment;

import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.pickup.PickupCodes;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * An order's pickup code with its window and status. The projector issues the code when it writes
 * the collectable order; when the projection lags behind Redis, the code is issued here (the same
 * idempotent issue, so both paths agree on one code).
 */
@Service
public class PickupTickets {

  private final PickupCodes codes;
  private final Activities activities;
  private final Clock clock;

  PickupTickets(PickupCodes codes, Activities activities, Clock clock) {
    this.codes = codes;
    this.activities = activities;
    this.clock = clock;
  }

  /** The ticket of {@code order} (already found, and shown to its buyer or an admin). */
  public Mono<PickupTicket> of(OrderView order) {
    if (order.pointId() == null) {
      return Mono.just(new PickupTicket.NoPickup(order.id()));
    }
    Mono<PickupCodes.Issued> code;
    if (order.collectable()) {
      code = codes.issue(order.id(), order.activityId(), order.pointId());
    } else if (order.status() == OrderStatus.PICKED_UP) {
      code = codes.find(order.id());
    } else {
      return Mono.just(new PickupTicket.NotCollectable(order.id(), order.status()));
    }
    return code.zipWith(window(order.activityId()))
        .map(found -> {
          PickupTicket.Schedule schedule = PickupWindowRule.of(order, found.getT2().orElse(null), clock.instant());
          return (PickupTicket) new PickupTicket.Code(order.id(), found.getT1().code(), found.getT1().pointId(),
              schedule.window(), schedule.status());
        })
        .defaultIfEmpty(new PickupTicket.NotCollectable(order.id(), order.status()));
  }

  private Mono<Optional<Pickup.Window>> window(long activityId) {
    return activities.find(new ActivityId(activityId))
        .map(a -> Optional.ofNullable(a.pickup()).map(Pickup::window))
        .defaultIfEmpty(Optional.empty());
  }

  /** The activity's title (what the staff reads out when handing over). */
  Mono<String> title(long activityId) {
    return activities.find(new ActivityId(activityId)).map(Activity::title).defaultIfEmpty("");
  }
}
