package dev.flashgroup.api.analytics;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flashgroup.engine.analytics.DayFunnel;
import dev.flashgroup.engine.analytics.Funnel;
import dev.flashgroup.engine.analytics.LeaderSales;
import dev.flashgroup.engine.analytics.PointSales;
import dev.flashgroup.engine.analytics.Ranked;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** The analytics endpoints' JSON (money in fen). */
final class AnalyticsViews {

  private AnalyticsViews() {}

  /** An activity's funnel ({@code activityId}) or a day's ({@code date}, with each activity's). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record FunnelView(Long activityId, LocalDate date, long viewers, long reservations, long paid, long groupsSucceeded,
      long pickedUp, long refunded, List<FunnelView> activities) {

    static FunnelView of(long activityId, Funnel f) {
      return new FunnelView(activityId, null, f.viewers(), f.reservations(), f.paid(), f.groupsSucceeded(),
          f.pickedUp(), f.refunded(), null);
    }

    static FunnelView of(DayFunnel day) {
      Funnel f = day.total();
      List<FunnelView> each = day.activities().entrySet().stream().map(e -> of(e.getKey(), e.getValue())).toList();
      return new FunnelView(null, day.date(), f.viewers(), f.reservations(), f.paid(), f.groupsSucceeded(),
          f.pickedUp(), f.refunded(), each);
    }
  }

  record RankingView(String by, LocalDate from, LocalDate to, List<Ranked> items) {}

  record LeadersView(LocalDate from, LocalDate to, List<LeaderSales> items) {}

  /** A GeoJSON FeatureCollection (RFC 7946) of pickup points, coordinates [longitude, latitude]. */
  record FeatureCollection(String type, List<Feature> features) {

    static FeatureCollection of(List<PointSales> points) {
      return new FeatureCollection("FeatureCollection", points.stream().map(Feature::of).toList());
    }
  }

  record Feature(String type, Geometry geometry, Map<String, Object> properties) {

    static Feature of(PointSales p) {
      return new Feature("Feature", new Geometry("Point", List.of(p.longitude(), p.latitude())),
          Map.of("pointId", p.pointId(), "name", p.name(), "orders", p.orders(), "gmv", p.gmv()));
    }
  }

  record Geometry(String type, List<BigDecimal> coordinates) {}
}
