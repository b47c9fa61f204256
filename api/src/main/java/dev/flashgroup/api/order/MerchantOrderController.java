package dev.flashgroup.api.order;

import static dev.flashgroup.api.web.CsvFields.csv;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.BuyerIds;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.order.MerchantOrders;
import dev.flashgroup.engine.order.MerchantOrders.Cursor;
import dev.flashgroup.engine.order.MerchantOrders.Filter;
import dev.flashgroup.engine.order.MerchantOrders.Row;
import dev.flashgroup.engine.order.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A merchant's orders (an admin's: everyone's), filtered and paged by keyset; buyer ids masked.
 * {@code Accept: text/csv} streams every row of the same filter as CSV, each row a buffer of its own
 * written as MySQL sends it, so an export of any size holds a few rows at a time. The export's
 * times are the merchant's wall clock, Asia/Shanghai, with the offset written out
 * ({@code 2026-12-01T20:00:00.123+08:00}), as a spreadsheet opened in China should show them; the
 * JSON listing keeps UTC instants like the rest of the API.
 */
@RestController
class MerchantOrderController {

  static final String CSV = "text/csv;charset=UTF-8";
  private static final String CSV_HEADER =
      "order_id,activity_id,group_id,buyer,status,amount,paid_amount,refunded_amount,point_id,created_at,picked_up_at\n";
  private static final long MAX_ID = 1L << 53;
  /** Where the merchants are: the export's times are shown in this zone, with its offset. */
  static final ZoneId EXPORT_ZONE = ZoneId.of("Asia/Shanghai");
  private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  /** {@code next}: the cursor of the following page, null on the last. */
  record OrderPage(List<MerchantOrder> orders, String next) {}

  record MerchantOrder(String orderId, long activityId, String groupId, String buyer, OrderStatus status, long amount,
      Long paidAmount, Long refundedAmount, Long pointId, Instant createdAt, Instant pickedUpAt) {

    static MerchantOrder of(Row r) {
      return new MerchantOrder(r.orderId(), r.activityId(), r.groupId(), BuyerIds.mask(r.buyerId()), r.status(),
          r.amount(), r.paidAmount(), r.refundedAmount(), r.pointId(), r.createdAt(), r.pickedUpAt());
    }
  }

  private final MerchantOrders orders;
  private final Activities activities;

  MerchantOrderController(MerchantOrders orders, Activities activities) {
    this.orders = orders;
    this.activities = activities;
  }

  @GetMapping(path = "/api/v1/merchant/orders", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<OrderPage>> page(@RequestParam(required = false) String activityId,
      @RequestParam(required = false) String status, @RequestParam(required = false) String pointId,
      @RequestParam(required = false) String from, @RequestParam(required = false) String to,
      @RequestParam(required = false) String cursor, @RequestParam(required = false) String limit,
      JwtAuthenticationToken auth) {
    Filter filter = filter(Caller.of(auth), activityId, status, pointId, from, to);
    Cursor after = cursor(cursor);
    int size = limit(limit);
    return authorized(Caller.of(auth), filter, () -> orders.page(filter, after, size).collectList()
        .map(rows -> ResponseEntity.ok(new OrderPage(rows.stream().map(MerchantOrder::of).toList(),
            rows.size() < size ? null : Cursor.after(rows.get(rows.size() - 1)).token()))));
  }

  @GetMapping(path = "/api/v1/merchant/orders", produces = CSV)
  Mono<ResponseEntity<Flux<DataBuffer>>> export(@RequestParam(required = false) String activityId,
      @RequestParam(required = false) String status, @RequestParam(required = false) String pointId,
      @RequestParam(required = false) String from, @RequestParam(required = false) String to,
      @RequestParam(required = false) String cursor, JwtAuthenticationToken auth) {
    Filter filter = filter(Caller.of(auth), activityId, status, pointId, from, to);
    Cursor after = cursor(cursor);
    return authorized(Caller.of(auth), filter, () -> Mono.just(ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(CSV))
        .header("Content-Disposition", "attachment; filename=\"orders.csv\"")
        .body(Flux.concat(Flux.just(CSV_HEADER), orders.stream(filter, after).map(MerchantOrderController::csvRow))
            .map(MerchantOrderController::buffer))));
  }

  /** A merchant may name only its own activity (403 otherwise, 404 for none); admins any. */
  private <T> Mono<ResponseEntity<T>> authorized(Caller caller, Filter filter,
      Supplier<Mono<ResponseEntity<T>>> answer) {
    if (filter.activityId() == null || caller.admin()) {
      return Mono.defer(answer);
    }
    return activities.find(new ActivityId(filter.activityId()))
        .flatMap(a -> caller.owns(a.merchantId()) ? Mono.defer(answer)
            : Mono.just(Problems.<T>forbidden("This activity belongs to another merchant")))
        .defaultIfEmpty(Problems.notFound("activity", Long.toString(filter.activityId())));
  }

  private static DataBuffer buffer(String text) {
    return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String csvRow(Row r) {
    return String.join(",", r.orderId(), Long.toString(r.activityId()), csv(r.groupId()), csv(BuyerIds.mask(r.buyerId())),
        r.status().name(), Long.toString(r.amount()), text(r.paidAmount()), text(r.refundedAmount()), text(r.pointId()),
        local(r.createdAt()), local(r.pickedUpAt())) + "\n";
  }

  private static String local(Instant at) {
    return at == null ? "" : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.atZone(EXPORT_ZONE));
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  private static Filter filter(Caller caller, String activityId, String status, String pointId, String from,
      String to) {
    Instant since = instant("from", from);
    Instant until = instant("to", to);
    if (since != null && until != null && !since.isBefore(until)) {
      throw new InvalidField("to", "must be after from");
    }
    return new Filter(caller.admin() ? null : caller.subject(), id("activityId", activityId), status(status),
        id("pointId", pointId), since, until);
  }

  private static Long id(String field, String value) {
    if (value == null) {
      return null;
    }
    if (!value.matches("[1-9][0-9]{0,15}") || Long.parseLong(value) > MAX_ID) {
      throw new InvalidField(field, "must be an id between 1 and 2^53");
    }
    return Long.parseLong(value);
  }

  private static OrderStatus status(String value) {
    if (value == null) {
      return null;
    }
    try {
      return OrderStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidField("status", "must be one of " + Arrays.toString(OrderStatus.values()));
    }
  }

  private static Instant instant(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      Instant at = value.length() <= 40 ? Instant.parse(value) : null;
      if (at == null || at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
        throw new InvalidField(field, "must be an instant between 2000-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
      }
      return at;
    } catch (DateTimeParseException e) {
      throw new InvalidField(field, "must be an instant, as 2026-12-01T12:00:00Z");
    }
  }

  private static Cursor cursor(String token) {
    if (token == null) {
      return null;
    }
    Cursor cursor = Cursor.parse(token);
    if (cursor == null) {
      throw new InvalidField("cursor", "must be the next cursor of an earlier page");
    }
    return cursor;
  }

  private static int limit(String value) {
    if (value == null) {
      return 50;
    }
    if (!value.matches("[0-9]{1,3}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MerchantOrders.MAX_PAGE) {
      throw new InvalidField("limit", "must be between 1 and " + MerchantOrders.MAX_PAGE);
    }
    return Integer.parseInt(value);
  }
}
