package dev.flashgroup.api.pickup;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.activity.ActivityFigures;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.pickup.NearbyPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.pickup.PointSearch;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The points nearest to a buyer (Tencent Map's GCJ-02 coordinates), nearest first. */
@RestController
class NearbyPointsController {

  record Nearby(List<Found> points) {}

  /** {@code remaining}: the activity's free units at the point, only when searching for an activity. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Found(long id, String name, String address, String kind, double distanceM, BigDecimal latitude,
      BigDecimal longitude, Integer remaining) {

    static Found of(NearbyPoint p) {
      return new Found(p.id(), p.name(), p.address(), p.kind().name(), Math.round(p.distanceM() * 10) / 10.0,
          p.latitude().stripTrailingZeros(), p.longitude().stripTrailingZeros(), p.remaining());
    }
  }

  private final PickupPoints points;
  private final Activities activities;
  private final ActivityFigures figures;

  NearbyPointsController(PickupPoints points, Activities activities, ActivityFigures figures) {
    this.points = points;
    this.activities = activities;
    this.figures = figures;
  }

  /** With {@code activityId}, only the points that activity delivers to, each with its {@code remaining} units. */
  @GetMapping("/api/v1/pickup-points/nearby")
  Mono<ResponseEntity<Nearby>> nearby(@RequestParam(required = false) String lat,
      @RequestParam(required = false) String lng, @RequestParam(required = false) String radiusM,
      @RequestParam(required = false) String limit, @RequestParam(required = false) String activityId) {
    PointSearch search = new PointSearch(decimal("lat", lat), decimal("lng", lng),
        whole("radiusM", radiusM, PointSearch.DEFAULT_RADIUS_M), whole("limit", limit, PointSearch.DEFAULT_LIMIT));
    if (activityId == null) {
      return points.nearby(search).map(Found::of).collectList().map(found -> ResponseEntity.ok(new Nearby(found)));
    }
    if (!activityId.matches("[1-9][0-9]{0,17}")) {
      throw new InvalidField("activityId", "must be an activity id");
    }
    return activities.find(new ActivityId(Long.parseLong(activityId)))
        .flatMap(figures::pointsRemaining)
        .flatMap(remaining -> points.nearby(search, remaining).map(Found::of).collectList())
        .map(found -> ResponseEntity.ok(new Nearby(found)))
        .defaultIfEmpty(Problems.notFound("activity", activityId));
  }

  private static BigDecimal decimal(String field, String value) {
    if (value == null) {
      throw new InvalidField(field, "is required");
    }
    try {
      if (value.length() > 20) {
        throw new NumberFormatException();
      }
      return new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw new InvalidField(field, "must be a decimal number of degrees");
    }
  }

  /** A whole number; one too long or out of an int's range is reported as out of bounds by the search. */
  private static int whole(String field, String value, int absent) {
    if (value == null) {
      return absent;
    }
    if (!value.matches("-?[0-9]{1,9}")) {
      throw new InvalidField(field, "must be a whole number");
    }
    return Integer.parseInt(value);
  }
}
