package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.StreamSettings;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Warms the opening rehearsal's activities into a scratch namespace with the script that warms real
 * ones (warm_activity.lua), from terms the rehearsal makes up. Unlike {@link WarmUp} it writes no
 * MySQL row and lists nothing among the warm activities, so no sweeper, relay or repair ever visits
 * them: their events stay in their scratch stream until the rehearsal deletes it.
 */
@Component
public class ScratchActivities {

  private final ReactiveStringRedisTemplate redis;
  private final RedisScript<String> warmActivity;
  private final StreamSettings streams;

  ScratchActivities(ReactiveStringRedisTemplate redis, RedisScript<String> warmActivity, StreamSettings streams) {
    this.redis = redis;
    this.warmActivity = warmActivity;
    this.streams = streams;
  }

  /** Warms {@code terms} as activity {@code id} of the scratch namespace {@code scratch}. */
  public Mono<Void> warm(RedisKeys scratch, ActivityId id, ActivityDraft terms) {
    // No leader is ever credited in a scratch namespace: no commission rate.
    Activity activity = terms.toActivity(id, "rehearsal", 0, null);
    var k = scratch.of(id);
    List<String> args = new ArrayList<>();
    args.add(streams.consumerGroup());
    args.addAll(WarmUp.terms(activity));
    return redis.execute(warmActivity, List.of(k.activity(), k.events()), args).then();
  }
}
