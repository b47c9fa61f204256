package dev.flashgroup.engine.group;

import static dev.flashgroup.engine.kernel.SqlTime.instant;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Shards;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Groups, read from Redis while their activity is warm; once its keys are gone (retired), from
 * MySQL: the group's row, and as members the buyers of its orders that did not leave it.
 */
@Component
public class Groups {

  /** How many pages of the joinable list one request reads at most. */
  private static final int MAX_PAGES = 10;

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Shards shards;
  private final Clock clock;
  private final DatabaseClient db;

  Groups(ReactiveStringRedisTemplate redis, RedisKeys keys, Shards shards, Clock clock, DatabaseClient db) {
    this.redis = redis;
    this.keys = keys;
    this.shards = shards;
    this.clock = clock;
    this.db = db;
  }

  /** The group as Redis holds it, or else as MySQL does (its activity retired, or not rebuilt yet). */
  public Mono<GroupView> find(String groupId) {
    return ActivityId.owning(groupId)
        .map(activity -> live(activity, groupId).switchIfEmpty(Mono.defer(() -> fromLedger(activity, groupId))))
        .orElseGet(Mono::empty);
  }

  /** The group as Redis holds it, empty when Redis does not. */
  public Mono<GroupView> live(String groupId) {
    return ActivityId.owning(groupId).map(activity -> live(activity, groupId))
        .orElseGet(Mono::empty);
  }

  private Mono<GroupView> live(ActivityId activity, String groupId) {
    return shards.keysOf(activity, groupId).flatMap(k -> live(activity, groupId, k));
  }

  private Mono<GroupView> live(ActivityId activity, String groupId, RedisKeys.ActivityKeys k) {
    Mono<List<String>> group = redis.<String, String>opsForHash()
        .multiGet(k.group(groupId), List.of("status", "leader", "size", "members", "paid", "deadline", "virtual", "price"))
        .filter(values -> values.get(0) != null);
    Mono<List<String>> members = redis.<String, String>opsForHash().keys(k.groupMembers(groupId)).sort().collectList();
    return group.zipWith(members, (g, m) -> {
      int size = Integer.parseInt(g.get(2));
      int taken = Integer.parseInt(g.get(3));
      boolean open = "OPEN".equals(g.get(0));
      return new GroupView(groupId, activity.value(), g.get(0), g.get(1), size, m, Integer.parseInt(g.get(4)),
          open ? Math.max(0, size - taken) : 0, Instant.ofEpochMilli(Long.parseLong(g.get(5))),
          g.get(6) == null ? 0 : Integer.parseInt(g.get(6)), g.get(7) == null ? null : Long.valueOf(g.get(7)));
    });
  }

  private Mono<GroupView> fromLedger(ActivityId activity, String groupId) {
    Mono<List<String>> members = db.sql("SELECT DISTINCT buyer_id FROM orders WHERE group_id = :id AND NOT left_group")
        .bind("id", groupId)
        .map(row -> row.get("buyer_id", String.class))
        .all()
        .sort()
        .collectList();
    return db.sql("SELECT status, leader_id, size, members, paid, deadline, virtual_members, price"
            + " FROM purchase_groups WHERE id = :id")
        .bind("id", groupId)
        .map(Groups::groupRow)
        .one()
        .zipWith(members, (g, m) -> g.view(groupId, activity, m));
  }

  private static GroupRow groupRow(Readable row) {
    Integer virtual = row.get("virtual_members", Integer.class);
    return new GroupRow(row.get("status", String.class), row.get("leader_id", String.class),
        row.get("size", Integer.class), row.get("members", Integer.class), row.get("paid", Integer.class),
        instant(row.get("deadline", LocalDateTime.class)), virtual == null ? 0 : virtual, row.get("price", Long.class));
  }

  /** A group as MySQL holds it, the same fields the Redis hash gives. */
  private record GroupRow(String status, String leader, int size, int members, int paid, Instant deadline,
      int virtual, Long price) {

    GroupView view(String groupId, ActivityId activity, List<String> memberIds) {
      boolean open = "OPEN".equals(status);
      return new GroupView(groupId, activity.value(), status, leader, size, memberIds, paid,
          open ? Math.max(0, size - members) : 0, deadline, virtual, price);
    }
  }

  /**
   * Open groups of an activity that still take members, fewest free slots first, from the sorted
   * set the scripts keep. Entries that take no member any more (deadline passed but not settled yet,
   * or dropped by a match a moment ago) are skipped, reading on page by page so that they never hide
   * a joinable group behind them.
   */
  public Flux<JoinableGroup> joinable(ActivityId activity, int limit) {
    // A sharded activity's buckets one after another: each keeps its own joinable list.
    return shards.of(activity).flatMapMany(sharding -> Flux.fromIterable(sharding.all(keys)))
        .concatMap(k -> joinable(k, limit))
        .take(limit);
  }

  private Flux<JoinableGroup> joinable(RedisKeys.ActivityKeys k, int limit) {
    Instant now = clock.instant();
    Range<Double> withFreeSlots = Range.rightUnbounded(Range.Bound.inclusive(1.0));
    return Flux.range(0, MAX_PAGES)
        .concatMap(page -> redis.opsForZSet()
            .rangeByScore(k.openGroups(), withFreeSlots, Limit.limit().offset(page * limit).count(limit))
            .collectList())
        .takeWhile(ids -> !ids.isEmpty())
        .concatMapIterable(ids -> ids)
        .concatMap(groupId -> redis.<String, String>opsForHash()
            .multiGet(k.group(groupId), List.of("status", "size", "members", "deadline"))
            .map(g -> joinable(groupId, g)))
        .filter(g -> g.freeSlots() > 0 && g.deadline().isAfter(now))
        .take(limit);
  }

  private static JoinableGroup joinable(String groupId, List<String> g) {
    if (!"OPEN".equals(g.get(0))) {
      return new JoinableGroup(groupId, 0, 0, 0, Instant.EPOCH);
    }
    int size = Integer.parseInt(g.get(1));
    int members = Integer.parseInt(g.get(2));
    return new JoinableGroup(groupId, size - members, members, size, Instant.ofEpochMilli(Long.parseLong(g.get(3))));
  }
}
