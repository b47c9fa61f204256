package dev.flashgroup.engine.leader;

import static dev.flashgroup.engine.kernel.SqlTime.instant;
import static dev.flashgroup.engine.kernel.SqlTime.utc;

import dev.flashgroup.engine.reservation.Attribution;
import dev.flashgroup.engine.schedule.RepeatingJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Each instance's copy of what attribution needs: the active leaders, the leader of each point and
 * the buyers' bindings, reloaded from MySQL every {@code flashgroup.leaders.refresh}. reserve.lua
 * gets the candidates as arguments: the script of an activity may touch only that activity's keys
 * (one cluster slot), so a server-wide leaders hash is out of its reach, and a copy in every
 * activity's keys would have to be rewritten in every warm activity on each approval, suspension
 * and binding. The cost is staleness: a suspension or a binding made on another instance applies
 * here within one refresh (and a binding after the projector wrote it). The bindings held are
 * bounded by {@code flashgroup.leaders.max-bindings}, the most recently referred first.
 */
@Component
public class LeaderDirectory extends RepeatingJob {

  private record Active(String subject, Long pointId) {}

  private record Binding(String leader, Instant lastReferredAt) {}

  private record Snapshot(Set<String> active, Map<Long, String> pointLeaders, Map<String, Binding> bindings) {}

  private final DatabaseClient db;
  private final LeaderSettings settings;
  private final Clock clock;
  private static final Logger log = LoggerFactory.getLogger(LeaderDirectory.class);

  private volatile Snapshot current = new Snapshot(Set.of(), Map.of(), Map.of());
  private volatile boolean bindingsFull;

  LeaderDirectory(DatabaseClient db, LeaderSettings settings, Clock clock) {
    this.db = db;
    this.settings = settings;
    this.clock = clock;
  }

  /** The candidates for a reservation by {@code buyer}, naming {@code referrer} and {@code point} (either may be null). */
  public Attribution candidates(String buyer, String referrer, Long point) {
    Snapshot s = current;
    String byReferrer = referrer != null && s.active().contains(referrer) ? referrer : null;
    Binding binding = s.bindings().get(buyer);
    String bound = binding != null && s.active().contains(binding.leader())
        && clock.instant().isBefore(binding.lastReferredAt().plus(settings.binding())) ? binding.leader() : null;
    String ofPoint = point == null ? null : s.pointLeaders().get(point);
    return new Attribution(byReferrer, bound, ofPoint);
  }

  /** Reloads everything; approvals and suspensions call it so that this instance knows at once. */
  public Mono<Void> refresh() {
    Mono<Map<String, Active>> leaders = db.sql("SELECT subject, point_id FROM leaders WHERE status = 'ACTIVE'")
        .map(row -> new Active(row.get("subject", String.class), row.get("point_id", Long.class)))
        .all()
        .collectMap(Active::subject);
    Mono<Map<String, Binding>> bindings = db.sql("SELECT buyer, leader, last_referred_at FROM leader_bindings"
            + " WHERE last_referred_at > :since ORDER BY last_referred_at DESC LIMIT :max")
        .bind("since", utc(clock.instant().minus(settings.binding())))
        .bind("max", settings.maxBindings())
        .map(row -> Map.entry(row.get("buyer", String.class), new Binding(row.get("leader", String.class),
            instant(row.get("last_referred_at", LocalDateTime.class)))))
        .all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    return Mono.zip(leaders, bindings).doOnNext(both -> {
      Map<String, Active> active = both.getT1();
      Map<Long, String> points = active.values().stream().filter(l -> l.pointId() != null)
          .collect(Collectors.toUnmodifiableMap(Active::pointId, Active::subject));
      current = new Snapshot(Set.copyOf(active.keySet()), points, Map.copyOf(both.getT2()));
      full(both.getT2().size() >= settings.maxBindings());
    }).then();
  }

  /** Warns once each time the bindings reach their bound. */
  private void full(boolean full) {
    if (full && !bindingsFull) {
      log.warn("leader bindings reached flashgroup.leaders.max-bindings ({}): older bindings are not applied",
          settings.maxBindings());
    }
    bindingsFull = full;
  }

  @Override
  protected Mono<?> round() {
    return refresh();
  }

  @Override
  protected Duration pause() {
    return settings.refresh();
  }
}
