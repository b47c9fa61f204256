package dev.flashgroup.engine.activity;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Optional;
import dev.flashgroup.engine.kernel.ActivityId;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The scheduled activities, as recorded in MySQL. */
@Component
public class Activities {

  private static final String COLUMNS = "id, merchant_id, title, mode, group_size, group_price, solo_price, stock,"
      + " per_user_limit, starts_at, ends_at, group_ttl_ms, pay_window_ms, tiers, virtual_success_missing, cancelled_at,"
      + " leader_commission_bps, talking_points, safety_stock, shards";

  private final DatabaseClient db;
  private final Clock clock;

  Activities(DatabaseClient db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  Mono<ActivityId> insert(String merchantId, ActivityDraft d, int defaultBps) {
    return db.sql("INSERT INTO activities (merchant_id, title, mode, group_size, group_price, solo_price, stock,"
            + " per_user_limit, starts_at, ends_at, group_ttl_ms, pay_window_ms, tiers, virtual_success_missing,"
            + " leader_commission_bps, talking_points, safety_stock, shards, created_at) VALUES (:merchant, :title,"
            + " :mode, :groupSize, :groupPrice, :soloPrice, :stock, :limit, :startsAt, :endsAt, :groupTtl, :payWindow,"
            + " :tiers, :virtualMissing, :bps, :talkingPoints, :safetyStock, :shards, :now)")
        .bind("merchant", merchantId)
        .bind("title", d.title().strip())
        .bind("mode", d.mode().name())
        .bind("groupSize", d.effectiveGroupSize())
        .bind("groupPrice", d.effectiveGroupPrice())
        .bind("soloPrice", d.soloPrice())
        .bind("stock", d.stock())
        .bind("limit", d.perUserLimit())
        .bind("startsAt", utc(d.startsAt()))
        .bind("endsAt", utc(d.endsAt()))
        .bind("groupTtl", d.groupTtl().toMillis())
        .bind("payWindow", d.payWindow().toMillis())
        .bind("tiers", Parameter.fromOrEmpty(d.tiers().isEmpty() ? null : Tier.format(d.tiers()), String.class))
        .bind("virtualMissing", d.virtualMissing())
        .bind("bps", d.commissionBps(defaultBps))
        .bind("talkingPoints", Parameter.fromOrEmpty(d.talkingPointsOr(null), String.class))
        .bind("safetyStock", Parameter.fromOrEmpty(d.safetyStock(), Integer.class))
        .bind("shards", d.shardCount())
        .bind("now", utc(clock.instant()))
        .filter(statement -> statement.returnGeneratedValues("id"))
        .map(row -> new ActivityId(row.get("id", Long.class)))
        .one();
  }

  public Mono<Activity> find(ActivityId id) {
    return db.sql("SELECT " + COLUMNS + " FROM activities WHERE id = :id")
        .bind("id", id.value())
        .map(Activities::activity)
        .one()
        .flatMap(this::withPickup);
  }

  public Flux<Activity> ofMerchant(String merchantId) {
    return ofMerchant(merchantId, ActivityFilter.ALL);
  }

  /** A merchant's activities matching {@code filter}, latest start first. */
  public Flux<Activity> ofMerchant(String merchantId, ActivityFilter filter) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM activities WHERE merchant_id = :merchant");
    filter.appendConditions(sql);
    sql.append(" ORDER BY starts_at DESC");
    var spec = db.sql(sql.toString()).bind("merchant", merchantId);
    for (var parameter : filter.parameters(clock.instant()).entrySet()) {
      spec = spec.bind(parameter.getKey(), parameter.getValue());
    }
    return spec.map(Activities::activity).all();
  }

  /**
   * Reads an activity and locks its row until the surrounding transaction ends: changes of one
   * activity (edit, cancel, add stock, warming) run one after another, each seeing the last.
   */
  Mono<Activity> lock(ActivityId id) {
    return db.sql("SELECT " + COLUMNS + " FROM activities WHERE id = :id FOR UPDATE")
        .bind("id", id.value())
        .map(Activities::activity)
        .one()
        .flatMap(this::withPickup);
  }

  Mono<Void> updateTerms(Activity a) {
    return db.sql("UPDATE activities SET title = :title, mode = :mode, group_size = :groupSize,"
            + " group_price = :groupPrice, solo_price = :soloPrice, stock = :stock, per_user_limit = :limit,"
            + " starts_at = :startsAt, ends_at = :endsAt, group_ttl_ms = :groupTtl, pay_window_ms = :payWindow,"
            + " tiers = :tiers, virtual_success_missing = :virtualMissing, leader_commission_bps = :bps,"
            + " talking_points = :talkingPoints, safety_stock = :safetyStock, updated_at = :now WHERE id = :id")
        .bind("title", a.title())
        .bind("mode", a.mode().name())
        .bind("groupSize", a.groupSize())
        .bind("groupPrice", a.groupPrice())
        .bind("soloPrice", a.soloPrice())
        .bind("stock", a.stock())
        .bind("limit", a.perUserLimit())
        .bind("startsAt", utc(a.startsAt()))
        .bind("endsAt", utc(a.endsAt()))
        .bind("groupTtl", a.groupTtl().toMillis())
        .bind("payWindow", a.payWindow().toMillis())
        .bind("tiers", Parameter.fromOrEmpty(a.tiers().isEmpty() ? null : Tier.format(a.tiers()), String.class))
        .bind("virtualMissing", a.virtualSuccessMissing())
        .bind("bps", a.leaderCommissionBps())
        .bind("talkingPoints", Parameter.fromOrEmpty(a.talkingPoints(), String.class))
        .bind("safetyStock", Parameter.fromOrEmpty(a.safetyStock(), Integer.class))
        .bind("now", utc(clock.instant()))
        .bind("id", a.id().value())
        .then();
  }

  /** Idempotent: a second call keeps the first cancellation time. */
  Mono<Void> markCancelled(ActivityId id, Instant at) {
    return db.sql("UPDATE activities SET cancelled_at = :at, updated_at = :at WHERE id = :id AND cancelled_at IS NULL")
        .bind("at", utc(at))
        .bind("id", id.value())
        .then();
  }

  /** Sets the stock total to an absolute value, so a retried write cannot add twice. */
  Mono<Void> setStock(ActivityId id, int total) {
    return db.sql("UPDATE activities SET stock = :stock, updated_at = :now WHERE id = :id")
        .bind("stock", total)
        .bind("now", utc(clock.instant()))
        .bind("id", id.value())
        .then();
  }

  /**
   * Activities running or still to start at {@code now} (not cancelled, not ended), earliest start
   * first, at most {@code limit}; only those delivering to {@code pointId} unless it is null. Read
   * without their pickup allocation.
   */
  public Flux<Activity> current(Long pointId, Instant now, int limit) {
    String delivering = pointId == null ? ""
        : " AND EXISTS (SELECT 1 FROM activity_points ap WHERE ap.activity_id = activities.id AND ap.point_id = :point)";
    var spec = db.sql("SELECT " + COLUMNS + " FROM activities WHERE cancelled_at IS NULL AND ends_at > :now"
            + delivering + " ORDER BY starts_at, id LIMIT :limit")
        .bind("now", utc(now))
        .bind("limit", limit);
    return (pointId == null ? spec : spec.bind("point", pointId)).map(Activities::activity).all();
  }

  /** Activities that start before {@code horizon}, have not ended, and were not warmed yet. */
  Flux<Activity> dueForWarming(Instant now, Instant horizon) {
    return db.sql("SELECT " + COLUMNS + " FROM activities"
            + " WHERE warmed_at IS NULL AND cancelled_at IS NULL AND starts_at <= :horizon AND ends_at > :now ORDER BY starts_at")
        .bind("horizon", utc(horizon))
        .bind("now", utc(now))
        .map(Activities::activity)
        .all();
  }

  /**
   * The earliest start after {@code after} and at most {@code until} of an activity not cancelled:
   * the next opening of tonight's line-up; empty when none starts in that time.
   */
  public Mono<Instant> nextOpening(Instant after, Instant until) {
    return db.sql("SELECT MIN(starts_at) AS opening FROM activities"
            + " WHERE starts_at > :after AND starts_at <= :until AND cancelled_at IS NULL")
        .bind("after", utc(after))
        .bind("until", utc(until))
        .map(row -> Optional.ofNullable(row.get("opening", LocalDateTime.class)))
        .one()
        .flatMap(opening -> Mono.justOrEmpty(opening.map(at -> instant(at))));
  }

  Mono<Void> markWarmed(ActivityId id) {
    return db.sql("UPDATE activities SET warmed_at = :now WHERE id = :id AND warmed_at IS NULL")
        .bind("now", utc(clock.instant()))
        .bind("id", id.value())
        .then();
  }

  private static Activity activity(io.r2dbc.spi.Readable row) {
    return new Activity(
        new ActivityId(row.get("id", Long.class)),
        row.get("merchant_id", String.class),
        row.get("title", String.class),
        Mode.valueOf(row.get("mode", String.class)),
        row.get("group_size", Integer.class),
        row.get("group_price", Long.class),
        row.get("solo_price", Long.class),
        row.get("stock", Integer.class),
        row.get("per_user_limit", Integer.class),
        instant(row.get("starts_at", LocalDateTime.class)),
        instant(row.get("ends_at", LocalDateTime.class)),
        Duration.ofMillis(row.get("group_ttl_ms", Long.class)),
        Duration.ofMillis(row.get("pay_window_ms", Long.class)),
        Tier.parse(row.get("tiers", String.class)),
        row.get("virtual_success_missing", Integer.class),
        instantOrNull(row.get("cancelled_at", LocalDateTime.class)),
        null,
        row.get("leader_commission_bps", Integer.class),
        row.get("talking_points", String.class),
        row.get("safety_stock", Integer.class),
        row.get("shards", Integer.class));
  }

  /** The activity with its pickup allocation, when it has one (one indexed query). */
  Mono<Activity> withPickup(Activity a) {
    return db.sql("SELECT ap.point_id, ap.stock, ap.safety_stock, a.pickup_from, a.pickup_to, a.perishable FROM activity_points ap"
            + " JOIN activities a ON a.id = ap.activity_id WHERE ap.activity_id = :id ORDER BY ap.point_id")
        .bind("id", a.id().value())
        .map(row -> new Object[] {new Pickup.PointShare(row.get("point_id", Long.class), row.get("stock", Integer.class),
            row.get("safety_stock", Integer.class)),
            row.get("pickup_from", LocalDateTime.class), row.get("pickup_to", LocalDateTime.class),
            Boolean.TRUE.equals(row.get("perishable", Boolean.class))})
        .all()
        .collectList()
        .map(rows -> {
          if (rows.isEmpty()) {
            return a;
          }
          Object[] first = rows.get(0);
          Pickup.Window window = first[1] == null ? null
              : new Pickup.Window(instant((LocalDateTime) first[1]), instant((LocalDateTime) first[2]));
          return a.withPickup(new Pickup(rows.stream().map(r -> (Pickup.PointShare) r[0]).toList(), window,
              (Boolean) first[3]));
        });
  }

  /** Replaces the activity's pickup allocation and window (none when {@code pickup} is null). */
  Mono<Void> writePickup(ActivityId id, Pickup pickup) {
    Mono<Void> clear = db.sql("DELETE FROM activity_points WHERE activity_id = :id").bind("id", id.value()).then();
    Pickup.Window window = pickup == null ? null : pickup.window();
    Mono<Void> terms = db.sql("UPDATE activities SET pickup_from = :from, pickup_to = :to, perishable = :perishable"
            + " WHERE id = :id")
        .bind("from", Parameter.fromOrEmpty(window == null ? null : utc(window.from()), LocalDateTime.class))
        .bind("to", Parameter.fromOrEmpty(window == null ? null : utc(window.to()), LocalDateTime.class))
        .bind("perishable", pickup != null && pickup.perishable())
        .bind("id", id.value())
        .then();
    if (pickup == null) {
      return clear.then(terms);
    }
    return clear.then(terms).thenMany(Flux.fromIterable(pickup.points())
            .concatMap(share -> db.sql("INSERT INTO activity_points (activity_id, point_id, stock, safety_stock)"
                    + " VALUES (:id, :point, :stock, :safetyStock)")
                .bind("id", id.value()).bind("point", share.pointId()).bind("stock", share.stock())
                .bind("safetyStock", Parameter.fromOrEmpty(share.safetyStock(), Integer.class)).then()))
        .then();
  }

  private static Instant instantOrNull(LocalDateTime at) {
    return at == null ? null : instant(at);

  }
}
