package dev.flashgroup.api.analytics;

import dev.flashgroup.api.analytics.AnalyticsViews.FeatureCollection;
import dev.flashgroup.api.analytics.AnalyticsViews.FunnelView;
import dev.flashgroup.api.analytics.AnalyticsViews.LeadersView;
import dev.flashgroup.api.analytics.AnalyticsViews.RankingView;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.analytics.AnalyticsSettings;
import dev.flashgroup.engine.analytics.Period;
import dev.flashgroup.engine.analytics.PlatformAnalytics;
import dev.flashgroup.engine.analytics.RankingBy;
import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Platform analytics for operators (ADMIN: the security rules give {@code /api/v1/admin/**} to
 * admins only): the funnel, sales rankings, pickup-point heat as GeoJSON, leader performance.
 * Days are the analytics' zone's (Asia/Shanghai); {@code from} and {@code to} are days, both
 * included, or instants standing for their day.
 */
@RestController
@RequestMapping("/api/v1/admin/analytics")
class AnalyticsController {

  static final MediaType GEO_JSON = MediaType.parseMediaType("application/geo+json");
  private static final int DEFAULT_RANKING = 10;

  private final PlatformAnalytics analytics;
  private final ZoneId zone;
  private final Clock clock;

  AnalyticsController(PlatformAnalytics analytics, AnalyticsSettings settings, Clock clock) {
    this.analytics = analytics;
    this.zone = settings.zone();
    this.clock = clock;
  }

  /** One of {@code activityId} (the activity's whole life) or {@code date} (one day, with each activity's). */
  @GetMapping("/funnel")
  Mono<ResponseEntity<FunnelView>> funnel(@RequestParam(required = false) String activityId,
      @RequestParam(required = false) String date) {
    if ((activityId == null) == (date == null)) {
      throw new InvalidField(activityId == null ? "activityId" : "date", "give either activityId or date, not both");
    }
    if (activityId != null) {
      long id = AnalyticsQuery.activityId(activityId);
      return analytics.funnel(new ActivityId(id)).map(f -> ResponseEntity.ok(FunnelView.of(id, f)))
          .defaultIfEmpty(Problems.notFound("activity", Long.toString(id)));
    }
    LocalDate day = AnalyticsQuery.day("date", date, zone);
    return analytics.funnel(day).map(f -> ResponseEntity.ok(FunnelView.of(f)));
  }

  @GetMapping("/ranking")
  Mono<RankingView> ranking(@RequestParam(required = false) String by, @RequestParam(required = false) String from,
      @RequestParam(required = false) String to, @RequestParam(required = false) String limit,
      @RequestParam(required = false) String order) {
    RankingBy what = AnalyticsQuery.by(by);
    Period period = AnalyticsQuery.period(from, to, zone, clock);
    int size = AnalyticsQuery.limit(limit, DEFAULT_RANKING, PlatformAnalytics.MAX_LIMIT);
    boolean byGmv = AnalyticsQuery.byGmv(order);
    return analytics.ranking(what, period, size, byGmv)
        .map(items -> new RankingView(what.name().toLowerCase(Locale.ROOT), period.from(), period.to(), items));
  }

  @GetMapping("/points.geojson")
  Mono<ResponseEntity<FeatureCollection>> points(@RequestParam(required = false) String from,
      @RequestParam(required = false) String to) {
    Period period = AnalyticsQuery.period(from, to, zone, clock);
    return analytics.points(period)
        .map(points -> ResponseEntity.ok().contentType(GEO_JSON).body(FeatureCollection.of(points)));
  }

  @GetMapping("/leaders")
  Mono<LeadersView> leaders(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
      @RequestParam(required = false) String limit) {
    Period period = AnalyticsQuery.period(from, to, zone, clock);
    int size = AnalyticsQuery.limit(limit, PlatformAnalytics.MAX_LEADERS, PlatformAnalytics.MAX_LEADERS);
    return analytics.leaders(period, size).map(items -> new LeadersView(period.from(), period.to(), items));
  }
}
