package dev.flashgroup.engine.progress;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.order.event.EventReader;
import dev.flashgroup.engine.order.event.SnapshotEvent;
import dev.flashgroup.engine.order.event.UnreadableEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteBufferRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads one activity's event stream for this instance's progress subscribers: blocking XREADs without
 * a consumer group (the relay's group and its acknowledgements are untouched), on a connection of
 * its own so a waiting read never holds up the shared Redis connection. It starts at the stream's
 * last id, so subscribers see what happens from now on; they read a snapshot when it says
 * {@link ProgressUpdate.Listening}.
 */
final class ActivityProgressReader {

  private static final Logger log = LoggerFactory.getLogger(ActivityProgressReader.class);
  private static final ByteBuffer TYPE = bytes("type");
  private static final ByteBuffer DATA = bytes("data");

  private final ActivityId activity;
  /** The activity's keys, or each bucket's of a sharded activity (a stream each). */
  private final List<RedisKeys.ActivityKeys> buckets;
  private final ReactiveRedisConnectionFactory connections;
  private final DatabaseClient db;
  private final ProgressSettings settings;
  private final AtomicInteger openReaders;
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger listening = new AtomicInteger();
  private final AtomicLong formedBefore = new AtomicLong();
  private final Set<String> formedSince = ConcurrentHashMap.newKeySet();

  ActivityProgressReader(ActivityId activity, List<RedisKeys.ActivityKeys> buckets,
      ReactiveRedisConnectionFactory connections, DatabaseClient db, ProgressSettings settings,
      AtomicInteger openReaders) {
    this.activity = activity;
    this.buckets = List.copyOf(buckets);
    this.connections = connections;
    this.db = db;
    this.settings = settings;
    this.openReaders = openReaders;
  }

  /**
   * Reads until cancelled; the connection is closed on cancel, error or completion. A sharded
   * activity's buckets are read at once, each on a connection of its own (their streams live in
   * different slots), and {@link ProgressUpdate.Listening} comes once every one of them listens.
   */
  Flux<ProgressUpdate> read() {
    return Flux.defer(() -> {
      AtomicInteger ready = new AtomicInteger();
      formedSince.clear();
      return Flux.merge(buckets.stream().map(k -> read(k, ready)).toList());
    });
  }

  private Flux<ProgressUpdate> read(RedisKeys.ActivityKeys bucket, AtomicInteger ready) {
    AtomicBoolean mine = new AtomicBoolean();
    return Flux.usingWhen(
        Mono.fromSupplier(() -> {
          ReactiveRedisConnection connection = connections.getReactiveConnection();
          connected.incrementAndGet();
          openReaders.incrementAndGet();
          return connection;
        }),
        connection -> readWith(connection, bucket, ready, mine),
        connection -> {
          if (mine.getAndSet(false)) {
            listening.decrementAndGet();
          }
          connected.decrementAndGet();
          openReaders.decrementAndGet();
          return connection.closeLater();
        });
  }

  boolean connected() {
    return connected.get() > 0;
  }

  boolean listening() {
    return listening.get() >= buckets.size();
  }

  List<RedisKeys.ActivityKeys> buckets() {
    return buckets;
  }

  long groupsFormed() {
    return formedBefore.get() + formedSince.size();
  }

  private Flux<ProgressUpdate> readWith(ReactiveRedisConnection connection, RedisKeys.ActivityKeys bucket,
      AtomicInteger ready, AtomicBoolean listens) {
    ByteBuffer stream = bytes(bucket.events());
    Mono<String> lastId = connection.streamCommands().xInfo(stream)
        .map(info -> info.lastGeneratedId())
        // Not warm yet, so no stream: read from its very beginning once it appears.
        .onErrorReturn("0-0")
        .defaultIfEmpty("0-0");
    return lastId.zipWith(succeededInMySql()).flatMapMany(start -> {
      formedBefore.set(start.getT2());
      AtomicReference<String> last = new AtomicReference<>(start.getT1());
      StreamReadOptions options = StreamReadOptions.empty().block(settings.readBlock()).count(settings.readBatch());
      Flux<ProgressUpdate> batches = Flux.defer(() -> connection.streamCommands()
              .xRead(options, StreamOffset.create(stream, ReadOffset.from(last.get())))
              .collectList())
          .repeat()
          .concatMap(batch -> updates(connection, batch, last));
      listens.set(true);
      listening.incrementAndGet();
      return ready.incrementAndGet() == buckets.size() ? Flux.concat(Mono.just(ProgressUpdate.LISTENING), batches)
          : batches;
    });
  }

  private Flux<ProgressUpdate> updates(ReactiveRedisConnection connection, List<ByteBufferRecord> batch,
      AtomicReference<String> last) {
    if (batch.isEmpty()) {
      return Flux.empty();
    }
    last.set(batch.get(batch.size() - 1).getId().getValue());
    List<ProgressUpdate> updates = new ArrayList<>();
    for (ByteBufferRecord entry : batch) {
      GroupProgress group = group(entry.getValue());
      if (group != null) {
        if ("SUCCEEDED".equals(group.status())) {
          formedSince.add(group.groupId());
        }
        updates.add(new ProgressUpdate.GroupChanged(group));
      }
    }
    // The stock is the buckets' sum (one HMGET each: different slots), read between two XREADs.
    Mono<ProgressUpdate> figures = Flux.fromIterable(buckets)
        .concatMap(k -> connection.hashCommands().hMGet(bytes(k.activity()), List.of(bytes("stock"), bytes("state"))))
        .collectList()
        .map(all -> new ProgressUpdate.ActivityChanged(new ActivityProgress(activity.value(),
            all.stream().mapToInt(values -> values.get(0) == null ? 0 : Integer.parseInt(text(values.get(0)))).sum(),
            groupsFormed(), all.stream().anyMatch(values -> values.get(1) != null
                && "CANCELLED".equals(text(values.get(1)))))));
    return Flux.fromIterable(updates).concatWith(figures);
  }

  /** The group snapshot of an entry; null for entries without one (solo orders, refunds). */
  private GroupProgress group(Map<ByteBuffer, ByteBuffer> entry) {
    ByteBuffer type = entry.get(TYPE);
    ByteBuffer data = entry.get(DATA);
    if (type == null || data == null) {
      return null;
    }
    try {
      return EventReader.read(text(type), text(data)) instanceof SnapshotEvent changed && changed.group() != null
          ? GroupProgress.of(changed.group()) : null;
    } catch (UnreadableEvent e) {
      log.debug("skipping unreadable {} entry of activity {}: {}", text(type), activity, e.toString());
      return null;
    }
  }

  private Mono<Long> succeededInMySql() {
    return db.sql("SELECT COUNT(*) AS n FROM purchase_groups WHERE activity_id = :id AND status = 'SUCCEEDED'")
        .bind("id", activity.value())
        .map(row -> row.get("n", Long.class))
        .one()
        .defaultIfEmpty(0L);
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(ByteBuffer bytes) {
    return StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
  }
}
