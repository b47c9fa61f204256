package dev.flashgroup.engine.group;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Live groups, read from Redis. */
@Component
public class Groups {

  /** How many pages of the joinable list one request reads at most. */
  private static final int MAX_PAGES = 10;

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final Clock clock;

  Groups(ReactiveStringRedisTemplate redis, RedisKeys keys, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.clock = clock;
  }

  public Mono<GroupView> find(String groupId) {
    return ActivityId.owning(groupId).map(activity -> find(activity, groupId))
        .orElseGet(Mono::empty);
  }

  private Mono<GroupView> find(ActivityId activity, String groupId) {
    var k = keys.of(activity);
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

  /**
   * Open groups of an activity that still take members, fewest free slots first, from the sorted
   * set the scripts keep. Entries that take no member any more (deadline passed but not settled yet,
   * or dropped by a match a moment ago) are skipped, reading on page by page so that they never hide
   * a joinable group behind them.
   */
  public Flux<JoinableGroup> joinable(ActivityId activity, int limit) {
    var k = keys.of(activity);
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
