package dev.flashgroup.engine.group;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Instant;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Live groups, read from Redis. */
@Component
public class Groups {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;

  Groups(ReactiveStringRedisTemplate redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  public Mono<GroupView> find(String groupId) {
    return ActivityId.owning(groupId).map(activity -> find(activity, groupId))
        .orElseGet(Mono::empty);
  }

  private Mono<GroupView> find(ActivityId activity, String groupId) {
    var k = keys.of(activity);
    Mono<List<String>> group = redis.<String, String>opsForHash()
        .multiGet(k.group(groupId), List.of("status", "leader", "size", "members", "paid", "deadline"))
        .filter(values -> values.get(0) != null);
    Mono<List<String>> members = redis.<String, String>opsForHash().keys(k.groupMembers(groupId)).sort().collectList();
    return group.zipWith(members, (g, m) -> {
      int size = Integer.parseInt(g.get(2));
      int taken = Integer.parseInt(g.get(3));
      boolean open = "OPEN".equals(g.get(0));
      return new GroupView(groupId, activity.value(), g.get(0), g.get(1), size, m, Integer.parseInt(g.get(4)),
          open ? Math.max(0, size - taken) : 0, Instant.ofEpochMilli(Long.parseLong(g.get(5))));
    });
  }
}
