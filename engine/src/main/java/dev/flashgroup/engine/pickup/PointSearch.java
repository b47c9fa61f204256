package dev.flashgroup.engine.pickup;

import dev.flashgroup.engine.pickup.InvalidPickupPoint.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Where to look for points: around a place, within a radius, the nearest {@code limit}. */
public record PointSearch(BigDecimal latitude, BigDecimal longitude, int radiusM, int limit) {

  public static final int DEFAULT_RADIUS_M = 5_000;
  public static final int MAX_RADIUS_M = 50_000;
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  public List<Violation> violations() {
    List<Violation> v = new ArrayList<>();
    PointDraft.coordinate(v, "lat", latitude, PointDraft.MAX_LATITUDE);
    PointDraft.coordinate(v, "lng", longitude, PointDraft.MAX_LONGITUDE);
    if (radiusM < 1 || radiusM > MAX_RADIUS_M) {
      v.add(new Violation("radiusM", "must be between 1 and " + MAX_RADIUS_M));
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      v.add(new Violation("limit", "must be between 1 and " + MAX_LIMIT));
    }
    return v;
  }
}
