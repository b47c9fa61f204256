package dev.flashgroup.api.alert;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.alert.StockAlert;
import dev.flashgroup.engine.alert.StockAlerts;
import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A merchant's low-stock alerts (an admin's: everyone's), newest first, by keyset pages; optionally
 * of one activity, which must be the merchant's own (403 otherwise, 404 for none).
 */
@RestController
class MerchantAlertController {

  private static final long MAX_ID = 1L << 53;
  private static final int DEFAULT_LIMIT = 50;

  /** {@code nextCursor}: the cursor of the following page, null on the last. */
  record AlertPage(List<Item> items, String nextCursor) {}

  /** One alert; {@code pointId} null for the activity's own stock. */
  record Item(String id, long activityId, Long pointId, long remaining, long safetyStock, Instant at) {

    static Item of(StockAlert a) {
      return new Item(a.id(), a.activityId(), a.pointId(), a.remaining(), a.safetyStock(), a.at());
    }
  }

  private final StockAlerts alerts;
  private final Activities activities;

  MerchantAlertController(StockAlerts alerts, Activities activities) {
    this.alerts = alerts;
    this.activities = activities;
  }

  @GetMapping("/api/v1/merchant/alerts")
  Mono<ResponseEntity<AlertPage>> page(@RequestParam(required = false) String activityId,
      @RequestParam(required = false) String cursor, @RequestParam(required = false) String limit,
      JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    Long activity = activityId(activityId);
    StockAlerts.Cursor after = cursor(cursor);
    int size = limit(limit);
    Mono<ResponseEntity<AlertPage>> answer = Mono.defer(() -> alerts.page(caller.admin() ? null : caller.subject(),
            activity, after, size)
        .map(page -> ResponseEntity.ok(new AlertPage(page.items().stream().map(Item::of).toList(),
            page.next() == null ? null : page.next().token()))));
    if (activity == null || caller.admin()) {
      return answer;
    }
    return activities.find(new ActivityId(activity))
        .flatMap(a -> caller.owns(a.merchantId()) ? answer
            : Mono.just(Problems.<AlertPage>forbidden("This activity belongs to another merchant")))
        .defaultIfEmpty(Problems.notFound("activity", Long.toString(activity)));
  }

  private static Long activityId(String value) {
    if (value == null) {
      return null;
    }
    if (!value.matches("[1-9][0-9]{0,15}") || Long.parseLong(value) > MAX_ID) {
      throw new InvalidField("activityId", "must be an id between 1 and 2^53");
    }
    return Long.parseLong(value);
  }

  private static StockAlerts.Cursor cursor(String token) {
    if (token == null) {
      return null;
    }
    StockAlerts.Cursor cursor = StockAlerts.Cursor.parse(token);
    if (cursor == null) {
      throw new InvalidField("cursor", "must be the nextCursor of an earlier page");
    }
    return cursor;
  }

  private static int limit(String value) {
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    if (!value.matches("[0-9]{1,3}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > StockAlerts.MAX_PAGE) {
      throw new InvalidField("limit", "must be between 1 and " + StockAlerts.MAX_PAGE);
    }
    return Integer.parseInt(value);
  }
}
