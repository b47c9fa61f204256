package dev.flashgroup.engine.shard;

import dev.flashgroup.engine.durability.ReplicaWait;
import dev.flashgroup.engine.keys.RedisKeys;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Moves remaining units between two buckets of a sharded activity. The buckets live in different
 * cluster slots, so the move is two script calls with a durable record between them: take_stock.lua
 * takes the units from the giver and records the transfer there, give_stock.lua adds them to the
 * receiver (once per transfer id), then the record is deleted. Units in flight are for sale in no
 * bucket, so however a move is cut short, no unit is sold twice; {@link #finishLeftBehind} completes
 * a move whose taker stopped between the steps.
 *
 * <p>With {@code flashgroup.redis.min-replicas} above 0 the take runs on a replica-wait lane of the
 * giver's primary and the give waits for its WAIT: a give before the take is on a replica would,
 * if the giver's primary died then, leave the units with the promoted replica and with the
 * receiver, and create them. A take that too few replicas confirmed in time is not given now (the
 * caller gets a transient error); its record stays for the rebalancer (docs/cluster.md, "Failover").
 */
@Component
public class StockTransfers {

  private static final Logger log = LoggerFactory.getLogger(StockTransfers.class);

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final RedisScript<List<String>> takeStock;
  private final RedisScript<List<String>> giveStock;
  private final ShardSettings settings;
  private final Clock clock;
  private final ReplicaWait replicas;
  private final RedisScript<List<String>> touchTransfer;

  StockTransfers(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisScript<List<String>> takeStock,
      RedisScript<List<String>> giveStock, RedisScript<List<String>> touchTransfer, ShardSettings settings, Clock clock,
      ReplicaWait replicas) {
    this.redis = redis;
    this.keys = keys;
    this.takeStock = takeStock;
    this.giveStock = giveStock;
    this.touchTransfer = touchTransfer;
    this.settings = settings;
    this.clock = clock;
    this.replicas = replicas;
  }

  /**
   * Moves up to {@code most} units (of {@code point}'s allocation, or null) from bucket {@code from}
   * to bucket {@code to}; with {@code half}, at most half of what the giver has left. Answers the
   * units moved, 0 when the giver had none, or {@link #BUSY} when nothing could move now: the giver
   * or the receiver is frozen by a rebuild or not warm (units already taken then stay recorded with
   * the giver, and the rebalancer gives them later).
   */
  public Mono<Integer> move(Sharding sharding, int from, int to, Long point, int most, boolean half) {
    // Not UUID.randomUUID(): SecureRandom may block on the event loop; the id only has to be unique.
    String id = new UUID(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong()).toString();
    var giver = sharding.keys(keys, from);
    String pointArg = point == null ? "" : Long.toString(point);
    return take(giver, id, most, pointArg, to, half)
        .flatMap(taken -> taken.units() == 0 ? Mono.just(taken.busy() ? BUSY : 0)
            : give(sharding, from, to, id, taken.units(), pointArg, taken.epoch())
                .flatMap(given -> given ? forget(giver, id).thenReturn(taken.units()) : Mono.just(BUSY)));
  }

  /** {@link #move}'s answer when nothing could move now (a bucket frozen by a rebuild, or not warm). */
  public static final int BUSY = -1;

  /**
   * What take_stock.lua took: the units (0: none) and the giver's rebuild epoch; {@code busy} when
   * it took nothing because the giver is frozen by a rebuild or not warm (not because it is empty).
   */
  record Taken(int units, long epoch, boolean busy) {

    static final Taken NOTHING = new Taken(0, 0, false);
    static final Taken NOT_NOW = new Taken(0, 0, true);
  }

  /**
   * Takes the units in the giving bucket; the transfer is now recorded there (and on the replicas
   * required). Nothing while a rebuild reads the bucket (FROZEN: freeze_transfers.lua), as when it
   * is empty.
   */
  Mono<Taken> take(RedisKeys.ActivityKeys giver, String id, int most, String point, int to, boolean half) {
    List<String> keyList = List.of(giver.activity(), giver.transfersOut(), giver.transfersFrozen());
    List<String> args = List.of(id, Integer.toString(most), point, Integer.toString(to), Long.toString(clock.millis()),
        half ? "1" : "0");
    if (replicas.required()) {
      return replicas.run(takeStock, keyList, args).map(acknowledged -> {
        Taken taken = taken(acknowledged.reply());
        if (taken.units() > 0 && acknowledged.replicas() < replicas.replicasRequired()) {
          throw new TransientDataAccessResourceException("transfer " + id + " took " + taken.units()
              + " units but only " + acknowledged.replicas() + " of the " + replicas.replicasRequired()
              + " required replicas confirmed it in time; it stays recorded with its giver");
        }
        return taken;
      });
    }
    return redis.execute(takeStock, keyList, args).next().map(StockTransfers::taken);
  }

  private static Taken taken(List<String> reply) {
    return switch (reply.get(0)) {
      case "TAKEN" -> new Taken(Integer.parseInt(reply.get(1)), Long.parseLong(reply.get(2)), false);
      case "FROZEN", "NOT_WARM" -> Taken.NOT_NOW;
      default -> Taken.NOTHING;
    };
  }

  /**
   * Adds them to the receiving bucket (idempotent by id). Answers false, adding nothing, while that
   * bucket is not warm or is frozen by a rebuild: the record stays with the giver, to be given later.
   * Answers true once the transfer is settled, its record to be deleted: given now or before, or
   * taken before its giver was rebuilt (GIVER_REBUILT: it adds nothing, ever, as its units came
   * back in the rebuild's split).
   */
  Mono<Boolean> give(Sharding sharding, int from, int to, String id, int units, String point, long epoch) {
    var receiver = sharding.keys(keys, to);
    return redis.execute(giveStock, List.of(receiver.activity(), receiver.transfersIn(), receiver.transfersFrozen()),
            List.of(id, Integer.toString(units), point, Long.toString(settings.transferMemory().toSeconds()),
                keys.restockChannel(), restock(sharding, to), Integer.toString(from), Long.toString(epoch)))
        .next()
        .map(reply -> !"NOT_WARM".equals(reply.get(0)) && !"FROZEN".equals(reply.get(0)));
  }

  /**
   * The restock message of a give: the activity and the receiving bucket ({@code 42.3}), so an
   * instance forgets only that bucket's emptiness (SoldOutActivities), not the other buckets'.
   */
  static String restock(Sharding sharding, int to) {
    return sharding.activity() + "." + to;
  }

  private Mono<Void> forget(RedisKeys.ActivityKeys giver, String id) {
    return redis.opsForHash().remove(giver.transfersOut(), id).then();
  }

  /**
   * Finishes every transfer recorded by a bucket of the activity longer ago than
   * {@code flashgroup.shards.finish-after}: gives its units (once) and deletes the record. Answers
   * the transfers finished.
   */
  public Mono<Long> finishLeftBehind(Sharding sharding) {
    return finishLeftBehind(sharding, clock.millis() - settings.finishAfter().toMillis());
  }

  /**
   * Finishes every transfer recorded by a bucket of the activity, however recent: retirement
   * ({@code ActivityRetirement}) does so before it retires the buckets of an activity that is over.
   */
  public Mono<Long> finishAll(Sharding sharding) {
    return finishLeftBehind(sharding, Long.MAX_VALUE);
  }

  /** Finishes the transfers recorded at or before {@code before} (epoch ms). */
  Mono<Long> finishLeftBehind(Sharding sharding, long before) {
    return Flux.range(0, sharding.shards())
        .concatMap(from -> {
          var giver = sharding.keys(keys, from);
          return redis.<String, String>opsForHash().entries(giver.transfersOut())
              .map(e -> Map.entry(e.getKey(), Recorded.parse(e.getValue())))
              .filter(e -> e.getValue().at() <= before)
              .concatMap(e -> {
                Recorded r = e.getValue();
                // One record that cannot be given now (its receiver frozen or lost, a failed call)
                // holds up no other: it stays for the next round.
                return replicated(giver, e.getKey())
                    .flatMap(replicated -> replicated
                        ? give(sharding, from, r.to(), e.getKey(), r.units(), r.point(), r.epoch())
                        : Mono.just(false))
                    .flatMap(given -> given ? forget(giver, e.getKey()).thenReturn(1L) : Mono.just(0L))
                    .onErrorResume(error -> {
                      log.warn("transfer {} of activity {} not finished this round: {}", e.getKey(),
                          sharding.activity(), error.toString());
                      return Mono.just(0L);
                    });
              });
        })
        .reduce(0L, Long::sum);
  }

  /**
   * Whether the take recorded under {@code id} is on the replicas required (always, without
   * min-replicas): the record is written again unchanged on a replica-wait lane of the giver's
   * primary and a WAIT follows (touch_transfer.lua). A take whose own WAIT fell short is given only
   * once this confirms it; a record gone meanwhile is settled by whoever deleted it.
   */
  private Mono<Boolean> replicated(RedisKeys.ActivityKeys giver, String id) {
    if (!replicas.required()) {
      return Mono.just(true);
    }
    return replicas.run(touchTransfer, List.of(giver.transfersOut()), List.of(id))
        .map(acknowledged -> "TOUCHED".equals(acknowledged.reply().get(0))
            && acknowledged.replicas() >= replicas.replicasRequired());
  }

  /** A transfers_out value, {@code to|point|units|at|epoch} (the giver's rebuild epoch; absent in older records: 0). */
  record Recorded(int to, String point, int units, long at, long epoch) {

    static Recorded parse(String value) {
      String[] part = value.split("\\|", -1);
      return new Recorded(Integer.parseInt(part[0]), part[1], Integer.parseInt(part[2]), Long.parseLong(part[3]),
          part.length > 4 && !part[4].isEmpty() ? Long.parseLong(part[4]) : 0);
    }
  }
}
