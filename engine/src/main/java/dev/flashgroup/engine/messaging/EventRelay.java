package dev.flashgroup.engine.messaging;

import com.rabbitmq.client.AMQP;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.keys.StreamSettings;
import dev.flashgroup.engine.keys.WarmActivities;
import dev.flashgroup.engine.schedule.RepeatingJob;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.PendingMessage;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
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
 */
@Component
class EventRelay extends RepeatingJob {

  private final ReactiveStringRedisTemplate redis;
  private final RedisKeys keys;
  private final WarmActivities warm;
  private final Sender sender;
  private final Topology topology;
  private final MessagingSettings messaging;
  private final RelaySettings settings;
  private final String consumerGroup;
  private final Clock clock;
  private final AtomicLong lagMillis = new AtomicLong();
  private volatile long nextAdoption;

  EventRelay(ReactiveStringRedisTemplate redis, RedisKeys keys, WarmActivities warm, Sender sender, Topology topology,
      MessagingSettings messaging, RelaySettings settings, StreamSettings streams, Clock clock, MeterRegistry meters) {
    this.redis = redis;
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

  @Override
  protected boolean enabled() {
    return settings.enabled();
  }

  @Override
  protected Duration pause() {
    return settings.interval();
  }

  @Override
  protected Mono<?> round() {
    boolean adopt = clock.millis() >= nextAdoption;
    if (adopt) {
      nextAdoption = clock.millis() + settings.adoptInterval().toMillis();
    }
    return warm.visit("relaying", activity -> (adopt ? adoptAbandoned(activity) : Mono.<Void>empty())
            .then(relay(activity)))
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
            settings.adoptAfter(), ids.toArray(RecordId[]::new)).then());
  }

  /** Relays one batch of one activity; returns how many entries the broker confirmed. */
  Mono<Long> relay(ActivityId activity) {
    String stream = keys.of(activity).events();
    return pending(stream)
        .switchIfEmpty(Mono.defer(() -> fresh(stream)))
        .filter(batch -> !batch.isEmpty())
        .flatMap(batch -> topology.declare(sender).then(publish(activity, stream, batch)))
        .defaultIfEmpty(0L);
  }

  private Mono<List<MapRecord<String, Object, Object>>> pending(String stream) {
    return read(stream, ReadOffset.from("0")).filter(batch -> !batch.isEmpty());
  }

  private Mono<List<MapRecord<String, Object, Object>>> fresh(String stream) {
    return read(stream, ReadOffset.lastConsumed());
  }

  private Mono<List<MapRecord<String, Object, Object>>> read(String stream, ReadOffset offset) {
    return redis.opsForStream()
        .read(Consumer.from(consumerGroup, settings.consumerName()),
            StreamReadOptions.empty().count(settings.batch()), StreamOffset.create(stream, offset))
        .collectList();
  }

  private Mono<Long> publish(ActivityId activity, String stream, List<MapRecord<String, Object, Object>> batch) {
    Flux<OutboundMessage> messages = Flux.fromIterable(batch).map(entry -> message(activity, entry));
    // Mandatory publishing: an event no queue took comes back as returned, not as confirmed, and
    // stays in the stream; the topology is declared again before the next try.
    return sender.sendWithPublishConfirms(messages, new SendOptions().trackReturned(true))
        .publishOn(Schedulers.boundedElastic())
        .doOnNext(result -> {
          if (result.isReturned()) {
            topology.forget();
          }
        })
        .filter(result -> result.isAck() && !result.isReturned())
        .map(result -> EventRelay.recordId(result.getOutboundMessage()))
        .collectList()
        .flatMap(confirmed -> acknowledge(stream, confirmed, batch));
  }

  private Mono<Long> acknowledge(String stream, List<RecordId> confirmed, List<MapRecord<String, Object, Object>> batch) {
    if (confirmed.isEmpty()) {
      return Mono.just(0L);
    }
    RecordId[] ids = confirmed.toArray(RecordId[]::new);
    long newest = batch.get(batch.size() - 1).getId().getTimestamp();
    lagMillis.set(Math.max(0, clock.millis() - newest));
    return redis.opsForStream().acknowledge(stream, consumerGroup, ids)
        .then(redis.opsForStream().delete(stream, ids))
        .thenReturn((long) ids.length);
  }

  @SuppressWarnings("unchecked")
  private static RecordId recordId(OutboundMessage sent) {
    return ((CorrelableOutboundMessage<RecordId>) sent).getCorrelationMetadata();
  }

  private OutboundMessage message(ActivityId activity, MapRecord<String, Object, Object> entry) {
    String type = String.valueOf(entry.getValue().get("type"));
    String data = String.valueOf(entry.getValue().get("data"));
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .type(type)
        .messageId(activity + "/" + entry.getId().getValue())
        .contentType("application/json")
        .deliveryMode(2)
        .build();
    return new CorrelableOutboundMessage<>(messaging.eventsExchange(), type, properties,
        data.getBytes(StandardCharsets.UTF_8), entry.getId());
  }
}
