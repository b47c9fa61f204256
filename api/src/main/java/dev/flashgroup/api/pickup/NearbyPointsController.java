package dev.flashgroup.api.pickup;

import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.engine.pickup.NearbyPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import dev.flashgroup.engine.pickup.PointSearch;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The points nearest to a buyer (Tencent Map's GCJ-02 coordinates), nearest first. */
@RestController
class NearbyPointsController {

  record Nearby(List<Found> points) {}

  record Found(long id, String name, String address, String kind, double distanceM, BigDecimal latitude,
      BigDecimal longitude) {

    static Found of(NearbyPoint p) {
      return new Found(p.id(), p.name(), p.address(), p.kind().name(), Math.round(p.distanceM() * 10) / 10.0,
          p.latitude().stripTrailingZeros(), p.longitude().stripTrailingZeros());
    }
  }

  private final PickupPoints points;

  NearbyPointsController(PickupPoints points) {
    this.points = points;
  }

  @GetMapping("/api/v1/pickup-points/nearby")
  Mono<Nearby> nearby(@RequestParam(required = false) String lat, @RequestParam(required = false) String lng,
      @RequestParam(required = false) String radiusM, @RequestParam(required = false) String limit) {
    return Mono.fromSupplier(() -> new PointSearch(decimal("lat", lat), decimal("lng", lng),
            whole("radiusM", radiusM, PointSearch.DEFAULT_RADIUS_M), whole("limit", limit, PointSearch.DEFAULT_LIMIT)))
        .flatMap(search -> points.nearby(search).map(Found::of).collectList())
        .map(Nearby::new);
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
