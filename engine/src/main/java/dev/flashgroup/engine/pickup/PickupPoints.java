package dev.flashgroup.engine.pickup;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.pickup.InvalidPickupPoint.Violation;
import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pickup points and the staff who act for them. MySQL is the record; every change is written there
 * first and then to the GEO set the search reads, which the search never trusts alone: a point is
 * answered only while MySQL still says it is active, and the set is rebuilt at start-up.
 */
@Service
public class PickupPoints {

  /** A staff member's subject: what tokens carry (api TokenRules' alphabet). */
  public static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private static final String COLUMNS =
      "id, name, address, kind, latitude, longitude, phone, opens_at, closes_at, zone, active";

  private final DatabaseClient db;
  private final PointIndex index;
  private final Clock clock;
  private final List<PointDeactivation> deactivations;

  PickupPoints(DatabaseClient db, PointIndex index, Clock clock, List<PointDeactivation> deactivations) {
    this.db = db;
    this.index = index;
    this.clock = clock;
    this.deactivations = deactivations;
  }

  public Mono<PickupPoint> create(PointDraft draft) {
    return Mono.fromSupplier(draft::checked)
        .flatMap(d -> bindFields(db.sql("INSERT INTO pickup_points (name, address, kind, latitude, longitude, phone,"
                + " opens_at, closes_at, zone, active, created_at, updated_at) VALUES (:name, :address, :kind, :lat,"
                + " :lng, :phone, :opens, :closes, :zone, TRUE, :now, :now)"), d)
            .filter(statement -> statement.returnGeneratedValues("id"))
            .map(row -> row.get("id", Long.class))
            .one())
        .flatMap(this::find)
        .flatMap(point -> index.put(point).thenReturn(point));
  }

  /** Replaces a point's details; empty when there is no such point. An inactive point stays inactive. */
  public Mono<PickupPoint> update(long id, PointDraft draft) {
    return Mono.fromSupplier(draft::checked)
        .flatMap(d -> find(id).flatMap(existing -> bindFields(db.sql("UPDATE pickup_points SET name = :name,"
                + " address = :address, kind = :kind, latitude = :lat, longitude = :lng, phone = :phone,"
                + " opens_at = :opens, closes_at = :closes, zone = :zone, updated_at = :now WHERE id = :id"), d)
            .bind("id", id)
            .then()))
        .then(find(id))
        .flatMap(point -> index.put(point).thenReturn(point));
  }

  /**
   * No new reservation names the point (warm activities close it too, {@link PointDeactivation}) and
   * no search finds it; orders made for it still collect there. Repeating it repeats the closing.
   */
  public Mono<PickupPoint> deactivate(long id) {
    return find(id)
        .flatMap(existing -> db.sql("UPDATE pickup_points SET active = FALSE, updated_at = :now WHERE id = :id")
            .bind("now", utc(clock.instant())).bind("id", id).then()
            .then(index.remove(id))
            .then(Flux.fromIterable(deactivations).concatMap(d -> d.deactivated(id)).then())
            .then(find(id)));
  }

  public Mono<PickupPoint> find(long id) {
    return db.sql("SELECT " + COLUMNS + " FROM pickup_points WHERE id = :id").bind("id", id)
        .map(PickupPoints::point).one();
  }

  /** The points with these ids that exist (active or not). */
  public Flux<PickupPoint> findAll(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Flux.empty();
    }
    return db.sql("SELECT " + COLUMNS + " FROM pickup_points WHERE id IN (:ids)").bind("ids", List.copyOf(ids))
        .map(PickupPoints::point).all();
  }

  public Flux<PickupPoint> list() {
    return db.sql("SELECT " + COLUMNS + " FROM pickup_points ORDER BY id").map(PickupPoints::point).all();
  }

  /**
   * Binds a staff subject to a point: true when newly bound, false when it already was; empty when
   * there is no such point.
   */
  public Mono<Boolean> bindStaff(long pointId, String subject) {
    if (subject == null || !SUBJECT.matcher(subject).matches()) {
      return Mono.error(new InvalidPickupPoint(List.of(
          new Violation("subject", "must be 1-64 characters of [A-Za-z0-9._:-]"))));
    }
    return find(pointId).flatMap(point -> db.sql("INSERT IGNORE INTO pickup_point_staff (point_id, subject,"
            + " created_at) VALUES (:point, :subject, :now)")
        .bind("point", pointId).bind("subject", subject).bind("now", utc(clock.instant()))
        .fetch().rowsUpdated()
        .map(rows -> rows > 0));
  }

  public Flux<String> staffOf(long pointId) {
    return db.sql("SELECT subject FROM pickup_point_staff WHERE point_id = :point ORDER BY subject")
        .bind("point", pointId).map(row -> row.get("subject", String.class)).all();
  }

  /** Whether {@code subject} may act for the point (a STAFF token acts only for its bound points). */
  public Mono<Boolean> actsFor(String subject, long pointId) {
    return db.sql("SELECT 1 AS bound FROM pickup_point_staff WHERE point_id = :point AND subject = :subject")
        .bind("point", pointId).bind("subject", subject).map(row -> true).first().defaultIfEmpty(false);
  }

  /**
   * Active points nearest first, from the GEO set; each confirmed active in MySQL (one indexed
   * query), so a point deactivated while Redis was unreachable is still never answered.
   */
  public Flux<NearbyPoint> nearby(PointSearch search) {
    return nearby(search, null);
  }

  /**
   * Only the points an activity delivers to ({@code remaining}: point id → its free units, answered
   * with each point), nearest first. The radius is searched whole (at most 50 km) and filtered
   * here, so a point of the activity is never crowded out by nearer points of others.
   */
  public Flux<NearbyPoint> nearby(PointSearch search, Map<Long, Integer> remaining) {
    List<Violation> violations = search.violations();
    if (!violations.isEmpty()) {
      return Flux.error(new InvalidPickupPoint(violations));
    }
    if (remaining != null && remaining.isEmpty()) {
      return Flux.empty();
    }
    return index.near(search.latitude().doubleValue(), search.longitude().doubleValue(), search.radiusM(),
            remaining == null ? search.limit() : 0)
        .filter(r -> remaining == null || remaining.containsKey(Long.parseLong(r.getContent().getName())))
        .take(search.limit())
        .collectList()
        .flatMapMany(found -> {
          List<Long> ids = found.stream().map(r -> Long.parseLong(r.getContent().getName())).toList();
          return findAll(ids).filter(PickupPoint::active).collectMap(PickupPoint::id)
              .flatMapMany(points -> Flux.fromIterable(found)
                  .filter(r -> points.containsKey(Long.parseLong(r.getContent().getName())))
                  .map(r -> {
                    PickupPoint p = points.get(Long.parseLong(r.getContent().getName()));
                    return new NearbyPoint(p.id(), p.name(), p.address(), p.kind(), r.getDistance().getValue(),
                        p.latitude(), p.longitude(), remaining == null ? null : remaining.get(p.id()));
                  }));
        });
  }

  /** Makes the GEO set hold exactly MySQL's active points. */
  public Mono<Void> rebuildIndex() {
    return db.sql("SELECT " + COLUMNS + " FROM pickup_points WHERE active = TRUE").map(PickupPoints::point).all()
        .collectList()
        .flatMap(index::replaceWith);
  }

  private DatabaseClient.GenericExecuteSpec bindFields(DatabaseClient.GenericExecuteSpec spec, PointDraft d) {
    Map<String, Object> values = new HashMap<>();
    values.put("name", d.name().strip());
    values.put("address", d.address().strip());
    values.put("kind", d.kindOrNull().name());
    values.put("lat", d.latitude());
    values.put("lng", d.longitude());
    values.put("phone", d.phone());
    values.put("opens", d.opens());
    values.put("closes", d.closes());
    values.put("zone", d.zoneOrNull().getId());
    values.put("now", utc(clock.instant()));
    return spec.bindValues(values);
  }

  private static PickupPoint point(Readable row) {
    return new PickupPoint(row.get("id", Long.class), row.get("name", String.class), row.get("address", String.class),
        PointKind.valueOf(row.get("kind", String.class)), row.get("latitude", BigDecimal.class),
        row.get("longitude", BigDecimal.class), row.get("phone", String.class), row.get("opens_at", LocalTime.class),
        row.get("closes_at", LocalTime.class), ZoneId.of(row.get("zone", String.class)),
        Boolean.TRUE.equals(row.get("active", Boolean.class)));
  }
}
