package dev.flashgroup.engine.order.event;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.kernel.EventType;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.AnnotatedMember;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The one way flashgroup reads what the scripts append to a stream: {@code type} picks the record,
 * {@code data} must match it exactly. Every field must be present and not null unless the record
 * marks it {@link MayBeAbsent} or {@link MayBeNull}; unknown fields and unknown enum values fail. So
 * a field misspelt in Lua fails a script test instead of arriving as null in MySQL.
 *
 * <p>The workers and the live readers call this for every event, so the readers are built once.
 * Scalars keep Jackson's usual coercion: {@code activityId} reads from {@code 42} and {@code "42"}.
 */
public final class EventReader {

  /** By wire name: one lookup per event. */
  private static final Map<String, ObjectReader> READERS = readers();

  private EventReader() {}

  /** Reads one event; throws {@link UnreadableEvent} for anything that is not exactly one. */
  public static OrderEvent read(String type, byte[] data) {
    ObjectReader reader = readerFor(type);
    try {
      return reader.readValue(data);
    } catch (JacksonException | IllegalArgumentException e) {
      throw unreadable(type, e);
    }
  }

  /** As {@link #read(String, byte[])}, for data already decoded. */
  public static OrderEvent read(String type, String data) {
    ObjectReader reader = readerFor(type);
    try {
      return reader.readValue(data);
    } catch (JacksonException | IllegalArgumentException e) {
      throw unreadable(type, e);
    }
  }

  private static ObjectReader readerFor(String type) {
    ObjectReader reader = type == null ? null : READERS.get(type);
    if (reader == null) {
      throw new UnreadableEvent("no script writes events of type " + type, null);
    }
    return reader;
  }

  private static UnreadableEvent unreadable(String type, Exception e) {
    return new UnreadableEvent("unreadable " + type + ": " + e.getMessage(), e);
  }

  /** The record each type is read into; a new type does not compile until it has one. */
  static Class<? extends OrderEvent> recordOf(EventType type) {
    return switch (type) {
      case RESERVATION_MADE -> ReservationMade.class;
      case PAYMENT_CONFIRMED -> PaymentConfirmed.class;
      case GROUP_SUCCEEDED -> GroupSucceeded.class;
      case GROUP_FAILED -> GroupFailed.class;
      case RESERVATION_EXPIRED -> ReservationExpired.class;
      case REFUND_REQUESTED -> RefundRequested.class;
      case REFUND_CONFIRMED -> RefundConfirmed.class;
      case ORDER_PICKED_UP -> OrderPickedUp.class;
      case PICKUP_ROLLED_OVER -> PickupRolledOver.class;
      case PICKUP_OVERDUE -> PickupOverdue.class;
      case PICKUP_REMINDER_DUE -> PickupReminderDue.class;
      case STOCK_LOW -> StockLow.class;
    };
  }

  private static Map<String, ObjectReader> readers() {
    JsonMapper mapper = JsonMapper.builder()
        .annotationIntrospector(new EverythingRequired())
        .addModule(new SimpleModule("flashgroup-events").addDeserializer(ActivityId.class, new ActivityIds()))
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
            DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        // Lua numbers are doubles: a fraction of a fen, or an amount a script forgot to turn into a
        // number, must fail a script's test, not reach MySQL and the gateway rounded down.
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
        .changeDefaultNullHandling(nulls -> JsonSetter.Value.construct(Nulls.FAIL, Nulls.FAIL))
        .build();
    Map<String, ObjectReader> readers = new HashMap<>();
    for (EventType type : EventType.values()) {
      readers.put(type.wireName(), mapper.readerFor(recordOf(type)));
    }
    return Map.copyOf(readers);
  }

  /** A field is required unless it says otherwise ({@link MayBeAbsent}). */
  private static final class EverythingRequired extends JacksonAnnotationIntrospector {

    @Override
    public Boolean hasRequiredMarker(MapperConfig<?> config, AnnotatedMember member) {
      Boolean marked = super.hasRequiredMarker(config, member);
      return marked == null ? Boolean.TRUE : marked;
    }
  }

  /** An activity id from a number or a numeric string (scripts have written both). */
  private static final class ActivityIds extends ValueDeserializer<ActivityId> {

    @Override
    public ActivityId deserialize(JsonParser parser, DeserializationContext context) {
      if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return new ActivityId(parser.getLongValue());
      }
      String text = parser.currentToken() == JsonToken.VALUE_STRING ? parser.getString() : null;
      if (text == null || !text.matches("[1-9][0-9]{0,17}")) {
        return (ActivityId) context.handleUnexpectedToken(ActivityId.class, parser);
      }
      return new ActivityId(Long.parseLong(text));
    }
  }
}
