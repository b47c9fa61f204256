package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** An allocation may name only points that exist and are active (one query for all of them). */
@Component
class PickupAllocationCheck {

  private final PickupPoints points;

  PickupAllocationCheck(PickupPoints points) {
    this.points = points;
  }

  /** Completes when the draft has no pickup or every point it names is active; else InvalidActivity. */
  Mono<Void> check(ActivityDraft draft) {
    Pickup pickup = draft.pickup();
    if (pickup == null) {
      return Mono.empty();
    }
    return points.findAll(pickup.pointIds()).collectMap(PickupPoint::id).flatMap(known -> {
      List<ActivityDraft.Violation> found = violations(pickup, known);
      return found.isEmpty() ? Mono.<Void>empty() : Mono.error(new InvalidActivity(found));
    });
  }

  private static List<ActivityDraft.Violation> violations(Pickup pickup, Map<Long, PickupPoint> known) {
    List<ActivityDraft.Violation> found = new ArrayList<>();
    for (int i = 0; i < pickup.points().size(); i++) {
      Long id = pickup.points().get(i).pointId();
      PickupPoint point = known.get(id);
      if (point == null) {
        found.add(new ActivityDraft.Violation("pickup.points[" + i + "].pointId", "no pickup point " + id));
      } else if (!point.active()) {
        found.add(new ActivityDraft.Violation("pickup.points[" + i + "].pointId", "pickup point " + id
            + " is deactivated"));
      }
    }
    return found;
  }
}
