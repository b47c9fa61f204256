package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Sharding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live buckets of a sharded activity while a rebuild of its lost ones reads them
 * (freeze_transfers.lua, docs/cluster.md, "Rebuilding lost buckets"): each is frozen and read in one
 * call (no transfer takes from or gives to it until it is thawed or the freeze runs out), confirmed
 * still frozen by this rebuild just before FINISH (learning the lost buckets' new epochs then), and
 * thawed after. A bucket thought alive whose hash is gone, or that another rebuilder froze, aborts
 * the rebuild ({@link Aborted}): the next round begins again.
 */
final class FrozenBuckets {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A live bucket as FREEZE read it: stock, its quota's units, epoch, transfers out, points ([left, total or -1]). */
  record Read(long stock, long held, long epoch, Map<String, String> out, Map<String, List<Long>> points,
      Map<String, Long> epochs) {}

  /** A transfers_out record ({@code to|point|units|at|epoch}, StockTransfers): what a rebuild needs of it. */
  record InFlight(int to, String point, int units) {

    static InFlight parse(String record) {
      String[] part = record.split("\\|", -1);
      return new InFlight(Integer.parseInt(part[0]), part[1], Integer.parseInt(part[2]));
    }
  }

  /** The rebuild cannot go on this round: {@code reason} is the bucket's answer (GONE, BUSY, LOST). */
  static final class Aborted extends RuntimeException {

    Aborted(int bucket, String reason) {
      super("live bucket " + bucket + " answered " + reason, null, false, false);
    }
  }

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<String>> freezeTransfers;
  private final Duration freezeFor;

  FrozenBuckets(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<List<String>> freezeTransfers,
      Duration freezeFor) {
    this.redis = redis;
    this.keys = keys;
    this.freezeTransfers = freezeTransfers;
    this.freezeFor = freezeFor;
  }

  /** Freezes and reads each bucket of {@code alive} in turn; {@link Aborted} when one is gone or another's. */
  Mono<Map<Integer, Read>> freeze(Sharding sharding, List<Integer> alive, String owner) {
    return Flux.fromIterable(alive)
        .concatMap(b -> call(sharding, b, "FREEZE", owner, List.of())
            .map(reply -> {
              if (!"FROZEN".equals(reply.get(0))) {
                throw new Aborted(b, reply.get(0));
              }
              return Map.entry(b, JSON.readValue(reply.get(1), Read.class));
            }))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new);
  }

  /**
   * Proves each bucket is still frozen by this rebuild and has its hash, writes the lost buckets'
   * new epochs into it, and answers which of the transfer ids asked of each bucket it received.
   */
  Mono<List<String>> confirm(Sharding sharding, List<Integer> alive, String owner, Map<Integer, Long> epochs,
      Map<Integer, List<String>> idsByReceiver) {
    return Flux.fromIterable(alive)
        .concatMap(b -> call(sharding, b, "CONFIRM", owner, List.of(JSON.writeValueAsString(
                Map.of("epochs", epochs, "ids", idsByReceiver.getOrDefault(b, List.of())))))
            .flatMapIterable(reply -> {
              if (!"CONFIRMED".equals(reply.get(0))) {
                throw new Aborted(b, reply.get(0));
              }
              return List.of(JSON.readValue(reply.get(1), String[].class));
            }))
        .collect(ArrayList::new, List::add);
  }

  /** Thaws every bucket of {@code alive} this rebuild froze (another's freeze is left alone). */
  Mono<Void> thaw(Sharding sharding, List<Integer> alive, String owner) {
    return Flux.fromIterable(alive).concatMap(b -> call(sharding, b, "THAW", owner, List.of())).then();
  }

  private Mono<List<String>> call(Sharding sharding, int b, String step, String owner, List<String> more) {
    RedisKeys.ActivityKeys k = sharding.keys(keys, b);
    List<String> args = new ArrayList<>(List.of(step, owner, Long.toString(freezeFor.toMillis())));
    args.addAll(more);
    return redis.execute(freezeTransfers,
            List.of(k.activity(), k.quota(), k.transfersOut(), k.transfersIn(), k.transfersFrozen()), args)
        .next();
  }
}
