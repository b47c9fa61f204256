package dev.flashgroup.api.pickup;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.engine.pickup.PickupPoints;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Who may act for a pickup point: an ADMIN always, anyone else only when bound to the point as its
 * staff ({@code PickupPoints.actsFor}); otherwise 403 {@code NOT_POINT_STAFF}.
 */
@Component
public class PointAccess {

  private final PickupPoints points;

  PointAccess(PickupPoints points) {
    this.points = points;
  }

  public Mono<Void> check(Caller caller, long pointId) {
    if (caller.admin()) {
      return Mono.empty();
    }
    return points.actsFor(caller.subject(), pointId)
        .flatMap(acts -> acts ? Mono.<Void>empty() : Mono.error(new NotPointStaff(pointId)));
  }

  /** The caller does not act for the point. */
  static final class NotPointStaff extends RuntimeException {

    NotPointStaff(long pointId) {
      super("You do not act for pickup point " + pointId);
    }
  }
}
