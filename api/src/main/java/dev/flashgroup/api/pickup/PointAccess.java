package dev.flashgroup.api.pickup;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.engine.pickup.PickupPoints;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Who may act for a pickup point: an admin always, anyone else only when bound to the point as its
 * staff ({@link PickupPoints#actsFor}). The security rules let only STAFF and ADMIN tokens reach the
 * handlers that ask. Refused with {@link NotPointStaff} (403 {@code NOT_POINT_STAFF}).
 */
@Component
public class PointAccess {

  private final PickupPoints points;

  PointAccess(PickupPoints points) {
    this.points = points;
  }

  /** Completes when the caller acts for the point; fails with {@link NotPointStaff} otherwise. */
  public Mono<Void> check(Caller caller, long pointId) {
    if (caller.admin()) {
      return Mono.empty();
    }
    return points.actsFor(caller.subject(), pointId)
        .flatMap(bound -> bound ? Mono.<Void>empty() : Mono.error(new NotPointStaff(pointId)));
  }

  /** The caller is not bound to the point. */
  public static final class NotPointStaff extends RuntimeException {

    NotPointStaff(long pointId) {
      super("You do not act for pickup point " + pointId);
    }
  }
}
