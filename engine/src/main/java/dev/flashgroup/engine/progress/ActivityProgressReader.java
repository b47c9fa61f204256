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
  private final RedisKeys.ActivityKeys keys;
  private final ReactiveRedisConnectionFactory connections;
  private final DatabaseClient db;
  private final ProgressSettings settings;
  private final AtomicInteger openReaders;
  private final AtomicBoolean connected = new AtomicBoolean();
  private final AtomicBoolean listening = new AtomicBoolean();
  private final AtomicLong formedBefore = new AtomicLong();
  private final Set<String> formedSince = ConcurrentHashMap.newKeySet();

  ActivityProgressReader(ActivityId activity, RedisKeys.ActivityKeys keys, ReactiveRedisConnectionFactory connections,
      DatabaseClient db, ProgressSettings settings, AtomicInteger openReaders) {
    this.activity = activity;
    this.keys = keys;
    this.connections = connections;
    this.db = db;
    this.settings = settings;
    this.openReaders = openReaders;
  }

  /** Reads until cancelled; the connection is closed on cancel, error or completion. */
  Flux<ProgressUpdate> read() {
    return Flux.usingWhen(
        Mono.fromSupplier(() -> {
          ReactiveRedisConnection connection = connections.getReactiveConnection();
          connected.set(true);
          openReaders.incrementAndGet();
          return connection;
        }),
        this::readWith,
        connection -> {
          listening.set(false);
          connected.set(false);
          openReaders.decrementAndGet();
          return connection.closeLater();
        });
  }

  boolean connected() {
    return connected.get();
  }

  boolean listening() {
    return listening.get();
  }

  long groupsFormed() {
    return formedBefore.get() + formedSince.size();
  }

  private Flux<ProgressUpdate> readWith(ReactiveRedisConnection connection) {
    ByteBuffer stream = bytes(keys.events());
    Mono<String> lastId = connection.streamCommands().xInfo(stream)
        .map(info -> info.lastGeneratedId())
        // Not warm yet, so no stream: read from its very beginning once it appears.
        .onErrorReturn("0-0")
        .defaultIfEmpty("0-0");
    return lastId.zipWith(succeededInMySql()).flatMapMany(start -> {
      formedBefore.set(start.getT2());
      formedSince.clear();
      AtomicReference<String> last = new AtomicReference<>(start.getT1());
      StreamReadOptions options = StreamReadOptions.empty().block(settings.readBlock()).count(settings.readBatch());
      Flux<ProgressUpdate> batches = Flux.defer(() -> connection.streamCommands()
              .xRead(options, StreamOffset.create(stream, ReadOffset.from(last.get())))
              .collectList())
          .repeat()
          .concatMap(batch -> updates(connection, batch, last));
      listening.set(true);
      return Flux.concat(Mono.just(ProgressUpdate.LISTENING), batches);
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
    Mono<ProgressUpdate> figures = connection.hashCommands()
        .hMGet(bytes(keys.activity()), List.of(bytes("stock"), bytes("state")))
        .map(values -> new ProgressUpdate.ActivityChanged(new ActivityProgress(activity.value(),
            values.get(0) == null ? 0 : Integer.parseInt(text(values.get(0))), groupsFormed(),
            values.get(1) != null && "CANCELLED".equals(text(values.get(1))))));
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
