package dev.flashgroup.engine.messaging;

import com.rabbitmq.client.AMQP;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.StreamSettings;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.schedule.RepeatingJob;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.PendingMessage;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.rabbitmq.ChannelPool;
import reactor.rabbitmq.CorrelableOutboundMessage;
import reactor.rabbitmq.OutboundMessage;
import reactor.rabbitmq.RabbitFluxException;
import reactor.rabbitmq.SendOptions;
import reactor.rabbitmq.Sender;

/**
 * Moves events from each warm activity's Redis stream to RabbitMQ. A stream entry is acknowledged
 * and deleted only after the broker confirmed it, so a broker outage delays events and never loses
 * them; entries read but not confirmed are read again (from the consumer's pending list) first.
 * Redelivery can duplicate an event, which the workers tolerate.
 *
 * <p>It waits instead of polling: one {@code XREADGROUP ... BLOCK} over every warm activity's
 * stream, on a connection of its own (a blocked command would hold up every other command on the
 * shared, multiplexed one), returns as soon as any stream has new entries, or after
 * {@code block} with nothing. At rest that is one command per {@code block}, however many
 * activities are warm. The pending lists are read (without blocking) only where entries may be
 * unconfirmed: at start-up, for a stream seen for the first time, after a publish the broker did not
 * fully confirm or a failed round, after adopting another instance's entries, and for every stream
 * each {@code adoptInterval}. One read spans every stream, so
 * every activity's keys must be on one Redis node (no Redis Cluster for the relay).
 */
@Component
class EventRelay extends RepeatingJob {

  private static final Logger log = LoggerFactory.getLogger(EventRelay.class);
  /** Redis names the stream whose consumer group is missing. */
  private static final Pattern NO_GROUP = Pattern.compile("NOGROUP No such key '([^']*)'");

  private final ReactiveStringRedisTemplate redis;
  private final LettuceConnectionFactory connections;
  private final RedisKeys keys;
  private final WarmActivities warm;
  private final Sender sender;
  private final ChannelPool channels;
  private final Topology topology;
  private final MessagingSettings messaging;
  private final RelaySettings settings;
  private final String consumerGroup;
  private final Clock clock;
  private final AtomicLong lagMillis = new AtomicLong();
  private final AtomicReference<StatefulRedisConnection<String, String>> dedicated = new AtomicReference<>();
  /** Streams whose pending list may hold entries this consumer read and the broker never confirmed. */
  private final Set<String> unconfirmed = ConcurrentHashMap.newKeySet();
  /** Streams seen in an earlier round; a stream seen for the first time may have pending entries. */
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  /** Streams whose reads fail (no consumer group), left out until the epoch ms given. */
  private final Map<String, Long> broken = new ConcurrentHashMap<>();
  private volatile long nextAdoption;

  EventRelay(ReactiveStringRedisTemplate redis, LettuceConnectionFactory connections, RedisKeys keys,
      WarmActivities warm, Sender sender, ChannelPool channels, Topology topology, MessagingSettings messaging,
      RelaySettings settings, StreamSettings streams, Clock clock, MeterRegistry meters) {
    this.redis = redis;
    this.connections = connections;
    this.keys = keys;
    this.warm = warm;
    this.sender = sender;
    this.channels = channels;
    this.topology = topology;
    this.messaging = messaging;
    this.settings = settings;
    this.consumerGroup = streams.consumerGroup();
    this.clock = clock;
    meters.gauge("flashgroup.relay.lag", List.of(), lagMillis, AtomicLong::get);
  }

  /**
   * What one round did: entries read, how many of them the broker confirmed, and whether a stream
   * gave a full batch (more may be waiting).
   */
  record Round(int read, long confirmed, boolean hadStreams, boolean full) {

    static final Round NOTHING_WARM = new Round(0, 0, false, false);

    static Round nothingRead() {
      return new Round(0, 0, true, false);
    }
  }

  @Override
  protected boolean enabled() {
    return settings.enabled();
  }

  @Override
  protected Duration pause() {
    return settings.interval();
  }

  /**
   * Straight into the next read after a round that moved a full batch or waited on the streams;
   * {@code linger} after one that moved less (so the next finds more to move at once); the usual
   * pause after a round the broker did not fully confirm; with nothing warm there is nothing to
   * block on, so it waits {@code block} before looking at the warm set again.
   */
  @Override
  protected Duration pauseAfter(Object result) {
    if (!(result instanceof Round round) || !round.hadStreams()) {
      return settings.block();
    }
    if (round.confirmed() < round.read()) {
      return pause();
    }
    return round.read() > 0 && !round.full() ? settings.linger() : Duration.ZERO;
  }

  @Override
  protected Mono<?> round() {
    boolean adopt = clock.millis() >= nextAdoption;
    if (adopt) {
      nextAdoption = clock.millis() + settings.adoptInterval().toMillis();
      // Every pending list is read again now and then, whatever this instance believes of them.
      seen.clear();
    }
    // Each stream once: an activity's, or each bucket's of a sharded activity.
    return warm.visitStreams("listing", Mono::just).collectList()
        .flatMap(activities -> (adopt ? adoptAll(activities) : Mono.<Void>empty())
            .then(Mono.defer(() -> relay(streamsOf(activities)))))
        // A read whose reply was lost still put its entries in this consumer's pending lists.
        .doOnError(e -> seen.clear());
  }

  /** A (re)started relay knows nothing of its pending lists: it reads them all first. */
  @Override
  public void start() {
    seen.clear();
    unconfirmed.clear();
    super.start();
  }

  private Map<String, ActivityId> streamsOf(List<WarmActivities.WarmStream> activities) {
    long now = clock.millis();
    broken.values().removeIf(until -> until <= now);
    Map<String, ActivityId> streams = new LinkedHashMap<>();
    for (WarmActivities.WarmStream activity : activities) {
      String stream = activity.keys().events();
      if (!broken.containsKey(stream)) {
        streams.put(stream, activity.activity());
      }
    }
    // Retired activities leave the sets; new ones may hold entries this consumer read earlier.
    seen.retainAll(streams.keySet());
    unconfirmed.retainAll(streams.keySet());
    for (String stream : streams.keySet()) {
      if (seen.add(stream)) {
        unconfirmed.add(stream);
      }
    }
    return streams;
  }

  private Mono<Void> adoptAll(List<WarmActivities.WarmStream> activities) {
    return Flux.fromIterable(activities)
        .concatMap(activity -> adoptAbandoned(activity.keys().events()).onErrorResume(e -> {
          log.warn("adopting entries of activity {} failed: {}", activity, e.toString());
          return Mono.empty();
        }))
        .then();
  }

  /**
   * Takes over entries another relay instance read but never confirmed for longer than
   * {@code adoptAfter}; they land in this instance's pending list and go out in its next round.
   */
  Mono<Void> adoptAbandoned(ActivityId activity) {
    return adoptAbandoned(keys.of(activity).events());
  }

  private Mono<Void> adoptAbandoned(String stream) {
    return redis.opsForStream().pending(stream, consumerGroup, Range.unbounded(), settings.batch())
        .flatMapIterable(pending -> pending)
        .filter(p -> !p.getConsumerName().equals(settings.consumerName())
            && p.getElapsedTimeSinceLastDelivery().compareTo(settings.adoptAfter()) >= 0)
        .map(PendingMessage::getId)
        .collectList()
        .filter(ids -> !ids.isEmpty())
        .flatMap(ids -> redis.opsForStream().claim(stream, consumerGroup, settings.consumerName(),
            settings.adoptAfter(), ids.toArray(RecordId[]::new)).then(Mono.fromRunnable(() -> unconfirmed.add(stream))));
  }

  /** Pending entries first where there may be some; otherwise waits for new ones on every stream. */
  private Mono<Round> relay(Map<String, ActivityId> streams) {
    if (streams.isEmpty()) {
      return Mono.just(Round.NOTHING_WARM);
    }
    List<String> suspects = streams.keySet().stream().filter(unconfirmed::contains).toList();
    if (!suspects.isEmpty()) {
      return read(suspects, false).flatMap(found -> {
        suspects.stream().filter(stream -> !found.containsKey(stream)).forEach(unconfirmed::remove);
        return found.isEmpty() ? relay(streams) : publishAll(streams, found);
      }).switchIfEmpty(Mono.fromSupplier(Round::nothingRead));
    }
    return read(List.copyOf(streams.keySet()), true).flatMap(found -> publishAll(streams, found))
        .switchIfEmpty(Mono.fromSupplier(Round::nothingRead));
  }

  /**
   * One XREADGROUP over the given streams: their pending entries, or new ones (waiting for them).
   * Empty when a stream turned out broken; the next round reads without it.
   */
  private Mono<Map<String, List<StreamMessage<String, String>>>> read(List<String> streams, boolean fresh) {
    @SuppressWarnings("unchecked")
    StreamOffset<String>[] offsets = streams.stream()
        .map(stream -> fresh ? StreamOffset.lastConsumed(stream) : StreamOffset.from(stream, "0"))
        .toArray(StreamOffset[]::new);
    XReadArgs args = XReadArgs.Builder.count(settings.batch());
    if (fresh) {
      args.block(settings.block());
    }
    return connection()
        .flatMapMany(c -> c.reactive().xreadgroup(Consumer.from(consumerGroup, settings.consumerName()), args, offsets))
        .collect(LinkedHashMap<String, List<StreamMessage<String, String>>>::new,
            (byStream, entry) -> byStream.computeIfAbsent(entry.getStream(), s -> new ArrayList<>()).add(entry))
        .map(byStream -> (Map<String, List<StreamMessage<String, String>>>) byStream)
        .onErrorResume(RedisCommandExecutionException.class, e -> leaveOutBroken(e));
  }

  /** A stream without the consumer group fails the whole read: leave it out a while, read the rest. */
  private Mono<Map<String, List<StreamMessage<String, String>>>> leaveOutBroken(RedisCommandExecutionException e) {
    Matcher m = NO_GROUP.matcher(String.valueOf(e.getMessage()));
    if (!m.find()) {
      return Mono.error(e);
    }
    log.warn("relaying stream {} failed, left out for {}: {}", m.group(1), settings.adoptAfter(), e.getMessage());
    broken.put(m.group(1), clock.millis() + settings.adoptAfter().toMillis());
    unconfirmed.remove(m.group(1));
    return Mono.empty();
  }

  /**
   * Publishes every entry of the round, of every stream, on one channel with one wait for the
   * broker's confirms, then acknowledges and deletes what was confirmed: one XACK and one XDEL per
   * stream, all sent at once. An entry nacked, returned (no queue took it), unconfirmed within
   * {@code confirmTimeout} or lost with the channel stays in the consumer's pending list and goes
   * out again.
   */
  private Mono<Round> publishAll(Map<String, ActivityId> streams, Map<String, List<StreamMessage<String, String>>> found) {
    int read = found.values().stream().mapToInt(List::size).sum();
    // Unconfirmed until the broker said so for every entry: a failure anywhere below leaves them pending.
    unconfirmed.addAll(found.keySet());
    Map<String, List<String>> confirmed = new LinkedHashMap<>();
    List<OutboundMessage> messages = new ArrayList<>(read);
    found.forEach((stream, batch) -> {
      List<String> ids = confirmed.computeIfAbsent(stream, s -> new ArrayList<>(batch.size()));
      for (StreamMessage<String, String> entry : batch) {
        if (entry.getBody() == null || entry.getBody().isEmpty()) {
          // A pending entry deleted from the stream comes back without a body: nothing to relay, only to acknowledge.
          ids.add(entry.getId());
        } else {
          messages.add(message(streams.get(stream), stream, entry));
        }
      }
    });
    return confirm(messages)
        .collect(() -> confirmed, (byStream, sent) -> byStream.get(sent.stream()).add(sent.id()))
        // Confirms arrive on the broker connection's I/O thread: Redis is called from elsewhere.
        .publishOn(Schedulers.boundedElastic())
        .flatMap(byStream -> acknowledge(byStream, found))
        .map(acknowledged -> new Round(read, acknowledged, true,
            found.values().stream().anyMatch(batch -> batch.size() >= settings.batch())));
  }

  /** The entries the broker confirmed, in no particular order. */
  private Flux<Relayed> confirm(List<OutboundMessage> messages) {
    if (messages.isEmpty()) {
      return Flux.empty();
    }
    // Mandatory publishing: an event no queue took comes back as returned, not as confirmed, and
    // stays in the stream; the topology is declared again before the next try.
    return topology.declare(sender)
        .thenMany(sender.sendWithPublishConfirms(Flux.fromIterable(messages),
            new SendOptions().trackReturned(true).channelPool(channels).exceptionHandler(EventRelay::publishFailed)))
        // Confirms lost with a broker restart never come: what is not confirmed by then stays
        // pending, and cutting the wait closes the channel (on boundedElastic: closing may block).
        .take(settings.confirmTimeout(), Schedulers.boundedElastic())
        .doOnNext(result -> {
          if (result.isReturned()) {
            topology.forget();
          }
        })
        .filter(result -> result.isAck() && !result.isReturned())
        .map(result -> EventRelay.relayed(result.getOutboundMessage()));
  }

  /**
   * A publish that failed fails the round at once (nothing of it is acknowledged; its entries are
   * published again), instead of the library's default of retrying it on the same channel.
   */
  private static void publishFailed(Sender.SendContext<?> context, Exception e) {
    throw new RabbitFluxException("the relay's publish failed; the round's entries stay pending", e);
  }

  /** Acknowledges and deletes the confirmed entries of every stream at once; returns how many. */
  private Mono<Long> acknowledge(Map<String, List<String>> confirmed, Map<String, List<StreamMessage<String, String>>> found) {
    long newest = found.values().stream().filter(batch -> !batch.isEmpty())
        .mapToLong(batch -> RecordId.of(batch.get(batch.size() - 1).getId()).getTimestamp()).max().orElse(0);
    return connection().flatMap(c -> Flux.fromIterable(confirmed.entrySet())
        .filter(e -> !e.getValue().isEmpty())
        // Subscribed together, so every XACK and XDEL is written before the first reply is read.
        .flatMap(e -> {
          String stream = e.getKey();
          String[] ids = e.getValue().toArray(String[]::new);
          List<StreamMessage<String, String>> batch = found.get(stream);
          return Mono.when(c.reactive().xack(stream, consumerGroup, ids), c.reactive().xdel(stream, ids))
              .doOnSuccess(done -> {
                // A full batch may have left more entries behind it in the pending list: read it again first.
                if (ids.length == batch.size() && batch.size() < settings.batch()) {
                  unconfirmed.remove(stream);
                }
              })
              .thenReturn((long) ids.length);
        }, Math.max(1, confirmed.size()))
        .reduce(0L, Long::sum))
        .doOnSuccess(acknowledged -> {
          if (acknowledged != null && acknowledged > 0) {
            lagMillis.set(Math.max(0, clock.millis() - newest));
          }
        });
  }

  /**
   * The relay's own connection, opened on first use off the event loops (connecting blocks) and
   * kept: Lettuce reconnects it after an outage. Its command timeout leaves room for the block.
   */
  private Mono<StatefulRedisConnection<String, String>> connection() {
    StatefulRedisConnection<String, String> open = dedicated.get();
    if (open != null && open.isOpen()) {
      return Mono.just(open);
    }
    return Mono.fromCallable(() -> {
      if (!(connections.getRequiredNativeClient() instanceof RedisClient client)) {
        throw new IllegalStateException("the relay reads all streams in one command: it needs a standalone Redis");
      }
      StatefulRedisConnection<String, String> made = client.connect();
      made.setTimeout(settings.block().plus(Duration.ofMillis(connections.getTimeout())));
      StatefulRedisConnection<String, String> previous = dedicated.getAndSet(made);
      if (previous != null) {
        previous.closeAsync();
      }
      return made;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public void stop() {
    super.stop();
    StatefulRedisConnection<String, String> open = dedicated.getAndSet(null);
    if (open != null) {
      open.closeAsync();
    }
  }

  /** Which stream entry a message carries, so its confirm can be acknowledged in that stream. */
  private record Relayed(String stream, String id) {}

  @SuppressWarnings("unchecked")
  private static Relayed relayed(OutboundMessage sent) {
    return ((CorrelableOutboundMessage<Relayed>) sent).getCorrelationMetadata();
  }

  private OutboundMessage message(ActivityId activity, String stream, StreamMessage<String, String> entry) {
    String type = String.valueOf(entry.getBody().get("type"));
    String data = String.valueOf(entry.getBody().get("data"));
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .type(type)
        // The stream's tag (42, or 42.3 for a bucket of a sharded activity): two buckets' streams may
        // hand out the same entry id, their messages must not share an id.
        .messageId(new RedisKeys.ActivityKeys(stream.substring(0, stream.indexOf('}') + 2)).tag() + "/" + entry.getId())
        .contentType("application/json")
        .deliveryMode(2)
        .build();
    return new CorrelableOutboundMessage<>(messaging.eventsExchange(), type, properties,
        data.getBytes(StandardCharsets.UTF_8), new Relayed(stream, entry.getId()));
  }
}
