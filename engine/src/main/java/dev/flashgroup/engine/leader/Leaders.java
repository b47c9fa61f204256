package dev.flashgroup.engine.leader;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.leader.InvalidLeaderRequest.Violation;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Applications to lead, their approval or rejection, and the leaders they make. MySQL is the
 * record; every decision is a compare-and-set on the application's status inside a transaction, so
 * two admins deciding at once change it once, and a POINT leader's staff binding commits with the
 * approval or not at all.
 */
@Service
public class Leaders {

  public static final int MAX_REASON_LENGTH = 500;
  public static final int MAX_PAGE = 100;

  private static final String APPLICATION_COLUMNS = "id, buyer, name, phone, kind, point_id, community_name, note,"
      + " status, reason, created_at, decided_at, decided_by";
  private static final String LEADER_COLUMNS = "subject, application_id, name, kind, point_id, community_name,"
      + " status, suspended_reason, suspended_at, suspended_by, created_at";

  private final DatabaseClient db;
  private final PickupPoints points;
  private final TransactionalOperator tx;
  private final Clock clock;
  private final LeaderDirectory directory;

  Leaders(DatabaseClient db, PickupPoints points, ReactiveTransactionManager transactions, Clock clock,
      LeaderDirectory directory) {
    this.directory = directory;
    this.db = db;
    this.points = points;
    this.tx = TransactionalOperator.create(transactions);
    this.clock = clock;
  }

  /** A buyer applies; at most one PENDING application per buyer, even when two arrive at once. */
  public Mono<Applied> apply(String buyer, ApplicationDraft draft) {
    return Mono.fromSupplier(draft::checked).flatMap(d -> find(buyer)
        .<Applied>map(leader -> new Applied.AlreadyLeader())
        .switchIfEmpty(Mono.defer(() -> d.kindOrNull() == LeaderKind.POINT
            ? points.find(d.pointId()).filter(PickupPoint::active).flatMap(p -> insert(buyer, d))
                .defaultIfEmpty(new Applied.UnknownPoint(d.pointId()))
            : insert(buyer, d))));
  }

  private Mono<Applied> insert(String buyer, ApplicationDraft d) {
    Map<String, Object> values = new HashMap<>();
    values.put("buyer", buyer);
    values.put("name", d.name().strip());
    values.put("phone", d.phone());
    values.put("kind", d.kindOrNull().name());
    values.put("point", Parameter.fromOrEmpty(d.pointId(), Long.class));
    values.put("community", Parameter.fromOrEmpty(ApplicationDraft.stripped(d.communityName()), String.class));
    values.put("note", Parameter.fromOrEmpty(ApplicationDraft.stripped(d.note()), String.class));
    values.put("now", utc(clock.instant()));
    return db.sql("INSERT INTO leader_applications (buyer, open_buyer, name, phone, kind, point_id, community_name,"
            + " note, status, created_at) VALUES (:buyer, :buyer, :name, :phone, :kind, :point, :community, :note,"
            + " 'PENDING', :now)")
        .bindValues(values)
        .filter(statement -> statement.returnGeneratedValues("id"))
        .map(row -> row.get("id", Long.class))
        .one()
        .flatMap(this::application)
        .<Applied>map(Applied.Submitted::new)
        // ux_leader_applications_open: the buyer's other application is still open.
        .onErrorResume(DataIntegrityViolationException.class, e -> Mono.just(new Applied.ApplicationExists()));
  }

  /** Applications, newest last, after {@code afterId}; {@code status} null for every status. */
  public Flux<LeaderApplication> applications(LeaderApplication.Status status, long afterId, int limit) {
    String where = status == null ? "" : " AND status = :status";
    var spec = db.sql("SELECT " + APPLICATION_COLUMNS + " FROM leader_applications WHERE id > :after" + where
            + " ORDER BY id LIMIT :limit")
        .bind("after", afterId).bind("limit", Math.max(1, Math.min(limit, MAX_PAGE)));
    return (status == null ? spec : spec.bind("status", status.name())).map(Leaders::applicationOf).all();
  }

  public Mono<LeaderApplication> application(long id) {
    return db.sql("SELECT " + APPLICATION_COLUMNS + " FROM leader_applications WHERE id = :id").bind("id", id)
        .map(Leaders::applicationOf).one();
  }

  /** Makes the applicant a leader; a POINT leader is bound to the point as its staff in the same transaction. */
  public Mono<Decided> approve(long id, String admin) {
    return approval(id, admin).flatMap(decided -> directory.refresh().thenReturn(decided));
  }

  private Mono<Decided> approval(long id, String admin) {
    return decide(id, app -> pointTaken(app).flatMap(taken -> taken
        ? Mono.<Decided>just(new Decided.PointTaken(app.pointId()))
        : close(app, LeaderApplication.Status.APPROVED, null, admin)
            .then(db.sql("INSERT INTO leaders (subject, application_id, name, kind, point_id, community_name, status,"
                    + " created_at) VALUES (:subject, :app, :name, :kind, :point, :community, 'ACTIVE', :now)")
                .bind("subject", app.buyer()).bind("app", app.id()).bind("name", app.name())
                .bind("kind", app.kind().name())
                .bind("point", Parameter.fromOrEmpty(app.pointId(), Long.class))
                .bind("community", Parameter.fromOrEmpty(app.communityName(), String.class))
                .bind("now", utc(clock.instant()))
                .then())
            .then(app.kind() == LeaderKind.POINT ? points.bindStaff(app.pointId(), app.buyer()).then() : Mono.empty())
            .then(Mono.zip(application(id), find(app.buyer())))
            .map(done -> new Decided.Done(done.getT1(), done.getT2()))))
        // ux_leaders_point: another approval for the same point committed first.
        .onErrorResume(DataIntegrityViolationException.class,
            e -> application(id).map(app -> new Decided.PointTaken(app.pointId() == null ? 0 : app.pointId())));
  }

  public Mono<Decided> reject(long id, String admin, String reason) {
    return Mono.fromRunnable(() -> checkReason(reason))
        .then(decide(id, app -> close(app, LeaderApplication.Status.REJECTED, reason.strip(), admin)
            .then(application(id)).map(done -> new Decided.Done(done, null))));
  }

  /** No new attribution from now on and no LEADER role in new tokens; what was earned stays theirs. */
  public Mono<Suspended> suspend(String subject, String admin, String reason) {
    return Mono.fromRunnable(() -> checkReason(reason))
        .then(tx.transactional(db.sql("SELECT " + LEADER_COLUMNS + " FROM leaders WHERE subject = :subject FOR UPDATE")
            .bind("subject", subject).map(Leaders::leaderOf).one()
            .flatMap(leader -> leader.active()
                ? db.sql("UPDATE leaders SET status = 'SUSPENDED', suspended_reason = :reason, suspended_at = :now,"
                        + " suspended_by = :admin WHERE subject = :subject")
                    .bind("reason", reason.strip()).bind("now", utc(clock.instant())).bind("admin", admin)
                    .bind("subject", subject).then()
                    .then(find(subject)).<Suspended>map(Suspended.Done::new)
                : Mono.<Suspended>just(new Suspended.AlreadySuspended(leader)))))
        .defaultIfEmpty(new Suspended.NoSuchLeader())
        .flatMap(suspended -> directory.refresh().thenReturn(suspended));
  }

  public Mono<Leader> find(String subject) {
    return db.sql("SELECT " + LEADER_COLUMNS + " FROM leaders WHERE subject = :subject").bind("subject", subject)
        .map(Leaders::leaderOf).one();
  }

  /** Whether the subject leads now (approved, not suspended): what gives a token the LEADER role. */
  public Mono<Boolean> leads(String subject) {
    return find(subject).map(Leader::active).defaultIfEmpty(false);
  }

  private Mono<Decided> decide(long id, Function<LeaderApplication, Mono<Decided>> pending) {
    return tx.transactional(db.sql("SELECT " + APPLICATION_COLUMNS + " FROM leader_applications WHERE id = :id FOR UPDATE")
            .bind("id", id).map(Leaders::applicationOf).one()
            .flatMap(app -> app.status() == LeaderApplication.Status.PENDING
                ? pending.apply(app)
                : Mono.<Decided>just(new Decided.AlreadyDecided(app.status()))))
        .defaultIfEmpty(new Decided.NoSuchApplication());
  }

  private Mono<Boolean> pointTaken(LeaderApplication app) {
    if (app.kind() != LeaderKind.POINT) {
      return Mono.just(false);
    }
    return db.sql("SELECT 1 AS taken FROM leaders WHERE point_id = :point").bind("point", app.pointId())
        .map(row -> true).first().defaultIfEmpty(false);
  }

  private Mono<Void> close(LeaderApplication app, LeaderApplication.Status status, String reason, String admin) {
    return db.sql("UPDATE leader_applications SET status = :status, open_buyer = NULL, reason = :reason,"
            + " decided_at = :now, decided_by = :admin WHERE id = :id AND status = 'PENDING'")
        .bind("status", status.name()).bind("reason", Parameter.fromOrEmpty(reason, String.class))
        .bind("now", utc(clock.instant())).bind("admin", admin).bind("id", app.id())
        .then();
  }

  private static void checkReason(String reason) {
    List<Violation> v = new ArrayList<>();
    ApplicationDraft.text(v, "reason", reason, MAX_REASON_LENGTH, true);
    if (!v.isEmpty()) {
      throw new InvalidLeaderRequest(v);
    }
  }

  private static LeaderApplication applicationOf(Readable row) {
    return new LeaderApplication(row.get("id", Long.class), row.get("buyer", String.class), row.get("name", String.class),
        row.get("phone", String.class), LeaderKind.valueOf(row.get("kind", String.class)),
        row.get("point_id", Long.class), row.get("community_name", String.class), row.get("note", String.class),
        LeaderApplication.Status.valueOf(row.get("status", String.class)), row.get("reason", String.class),
        at(row, "created_at"), at(row, "decided_at"), row.get("decided_by", String.class));
  }

  private static Leader leaderOf(Readable row) {
    return new Leader(row.get("subject", String.class), row.get("application_id", Long.class),
        row.get("name", String.class), LeaderKind.valueOf(row.get("kind", String.class)),
        row.get("point_id", Long.class), row.get("community_name", String.class),
        Leader.Status.valueOf(row.get("status", String.class)), row.get("suspended_reason", String.class),
        at(row, "suspended_at"), row.get("suspended_by", String.class), at(row, "created_at"));
  }

  private static Instant at(Readable row, String column) {
    LocalDateTime value = row.get(column, LocalDateTime.class);
    return value == null ? null : instant(value);
  }
}
