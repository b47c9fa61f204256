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
import reactor.rabbitmq.CorrelableOutboundMessage;
import reactor.rabbitmq.OutboundMessage;
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
      WarmActivities warm, Sender sender, Topology topology, MessagingSettings messaging, RelaySettings settings,
      StreamSettings streams, Clock clock, MeterRegistry meters) {
    this.redis = redis;
    this.connections = connections;
    this.keys = keys;
    this.warm = warm;
    this.sender = sender;
    this.topology = topology;
    this.messaging = messaging;
    this.settings = settings;
    this.consumerGroup = streams.consumerGroup();
    this.clock = clock;
    meters.gauge("flashgroup.relay.lag", List.of(), lagMillis, AtomicLong::get);
  }

  /** What one round did: entries read, and how many of them the broker confirmed. */
  record Round(int read, long confirmed, boolean hadStreams) {

    static final Round NOTHING_WARM = new Round(0, 0, false);

    static Round nothingRead() {
      return new Round(0, 0, true);
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
   * Straight into the next read after a round that moved entries or waited on the streams; the
   * usual pause after a round the broker did not fully confirm; with nothing warm there is nothing
   * to block on, so it waits {@code block} before looking at the warm set again.
   */
  @Override
  protected Duration pauseAfter(Object result) {
    if (!(result instanceof Round round) || !round.hadStreams()) {
      return settings.block();
    }
    return round.confirmed() < round.read() ? pause() : Duration.ZERO;
  }

  @Override
  protected Mono<?> round() {
    boolean adopt = clock.millis() >= nextAdoption;
    if (adopt) {
      nextAdoption = clock.millis() + settings.adoptInterval().toMillis();
      // Every pending list is read again now and then, whatever this instance believes of them.
      seen.clear();
    }
    return warm.visit("listing", Mono::just).collectList()
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

  private Map<String, ActivityId> streamsOf(List<ActivityId> activities) {
    long now = clock.millis();
    broken.values().removeIf(until -> until <= now);
    Map<String, ActivityId> streams = new LinkedHashMap<>();
    for (ActivityId activity : activities) {
      String stream = keys.of(activity).events();
      if (!broken.containsKey(stream)) {
        streams.put(stream, activity);
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

  private Mono<Void> adoptAll(List<ActivityId> activities) {
    return Flux.fromIterable(activities)
        .concatMap(activity -> adoptAbandoned(activity).onErrorResume(e -> {
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
    String stream = keys.of(activity).events();
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

  private Mono<Round> publishAll(Map<String, ActivityId> streams, Map<String, List<StreamMessage<String, String>>> found) {
    int read = found.values().stream().mapToInt(List::size).sum();
    return Flux.fromIterable(found.entrySet())
        .concatMap(e -> publish(streams.get(e.getKey()), e.getKey(), e.getValue()))
        .reduce(0L, Long::sum)
        .map(confirmed -> new Round(read, confirmed, true));
  }

  private Mono<Long> publish(ActivityId activity, String stream, List<StreamMessage<String, String>> batch) {
    // Unconfirmed until the broker said so for every entry: a failure anywhere below leaves them pending.
    unconfirmed.add(stream);
    // A pending entry deleted from the stream comes back without a body: nothing to relay, only to acknowledge.
    List<String> gone = batch.stream().filter(entry -> entry.getBody() == null || entry.getBody().isEmpty())
        .map(StreamMessage::getId).toList();
    Flux<OutboundMessage> messages = Flux.fromIterable(batch)
        .filter(entry -> entry.getBody() != null && !entry.getBody().isEmpty())
        .map(entry -> message(activity, entry));
    // Mandatory publishing: an event no queue took comes back as returned, not as confirmed, and
    // stays in the stream; the topology is declared again before the next try.
    return topology.declare(sender)
        .thenMany(sender.sendWithPublishConfirms(messages, new SendOptions().trackReturned(true)))
        // Confirms lost with a broker restart never come: fail the round, the batch stays pending.
        .timeout(settings.confirmTimeout())
        .publishOn(Schedulers.boundedElastic())
        .doOnNext(result -> {
          if (result.isReturned()) {
            topology.forget();
          }
        })
        .filter(result -> result.isAck() && !result.isReturned())
        .map(result -> EventRelay.entryId(result.getOutboundMessage()))
        .collect(() -> new ArrayList<>(gone), List::add)
        .flatMap(confirmed -> acknowledge(stream, confirmed, batch));
  }

  private Mono<Long> acknowledge(String stream, List<String> confirmed, List<StreamMessage<String, String>> batch) {
    if (confirmed.isEmpty()) {
      return Mono.just(0L);
    }
    String[] ids = confirmed.toArray(String[]::new);
    long newest = RecordId.of(batch.get(batch.size() - 1).getId()).getTimestamp();
    lagMillis.set(Math.max(0, clock.millis() - newest));
    return connection()
        .flatMap(c -> c.reactive().xack(stream, consumerGroup, ids).then(c.reactive().xdel(stream, ids)))
        .doOnSuccess(done -> {
          // A full batch may have left more entries behind it in the pending list: read it again first.
          if (ids.length == batch.size() && batch.size() < settings.batch()) {
            unconfirmed.remove(stream);
          }
        })
        .thenReturn((long) ids.length);
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

  @SuppressWarnings("unchecked")
  private static String entryId(OutboundMessage sent) {
    return ((CorrelableOutboundMessage<String>) sent).getCorrelationMetadata();
  }

  private OutboundMessage message(ActivityId activity, StreamMessage<String, String> entry) {
    String type = String.valueOf(entry.getBody().get("type"));
    String data = String.valueOf(entry.getBody().get("data"));
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .type(type)
        .messageId(activity + "/" + entry.getId())
        .contentType("application/json")
        .deliveryMode(2)
        .build();
    return new CorrelableOutboundMessage<>(messaging.eventsExchange(), type, properties,
        data.getBytes(StandardCharsets.UTF_8), entry.getId());
  }
}
