package dev.flashgroup.api.pickup;

import static dev.flashgroup.api.web.CsvFields.csv;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.BuyerIds;
import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.pickup.PickupLists;
import dev.flashgroup.engine.pickup.PickupOrder;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a pickup point hands out: the pick list of a day (备货单; JSON, or CSV for printing) for its
 * staff, the merchants whose activities deliver there (their own activities only) and admins; and
 * the orders gone OVERDUE, for the point's staff and for the merchant.
 */
@RestController
class PickupListsController {

  static final String CSV = "text/csv;charset=UTF-8";
  private static final String CSV_HEADER = "activity_id,title,order_id,buyer,units,status,pickup_from,pickup_to\n";

  record PickList(long pointId, LocalDate date, String zone, List<ActivityPicks> activities) {}

  record ActivityPicks(long activityId, String title, int units, List<Pick> orders) {}

  record Pick(String orderId, String buyer, int units, String status, Instant pickupFrom, Instant pickupTo) {

    static Pick of(PickupOrder o) {
      return new Pick(o.orderId(), BuyerIds.mask(o.buyerId()), 1, o.status(), o.pickupFrom(), o.pickupTo());
    }
  }

  record Overdue(List<OverdueOrder> orders) {}

  record OverdueOrder(String orderId, long activityId, String title, String buyer, long pointId, String status,
      Instant pickupFrom, Instant pickupTo, int rollovers) {

    static OverdueOrder of(PickupOrder o) {
      return new OverdueOrder(o.orderId(), o.activityId(), o.title(), BuyerIds.mask(o.buyerId()), o.pointId(),
          o.status(), o.pickupFrom(), o.pickupTo(), o.rollovers());
    }
  }

  /** Whose orders a caller sees on a point's pick list. */
  private record Viewer(PickupPoint point, String merchantOrNull) {}

  private final PickupPoints points;
  private final PickupLists lists;
  private final PointAccess access;

  PickupListsController(PickupPoints points, PickupLists lists, PointAccess access) {
    this.points = points;
    this.lists = lists;
    this.access = access;
  }

  @GetMapping(path = "/api/v1/pickup-points/{id}/pick-list", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<PickList>> pickList(@PathVariable long id, @RequestParam(required = false) String date,
      JwtAuthenticationToken auth) {
    LocalDate day = day(date);
    return viewer(auth, id)
        .flatMap(v -> lists.pickList(id, day, v.point().zone(), v.merchantOrNull()).collectList()
            .map(orders -> ResponseEntity.ok(new PickList(id, day, v.point().zone().getId(), byActivity(orders)))))
        .defaultIfEmpty(Problems.notFound("pickup point", Long.toString(id)));
  }

  /** The same pick list as CSV, one order a row, streamed as MySQL answers. */
  @GetMapping(path = "/api/v1/pickup-points/{id}/pick-list", produces = CSV)
  Mono<ResponseEntity<Flux<String>>> pickListCsv(@PathVariable long id, @RequestParam(required = false) String date,
      JwtAuthenticationToken auth) {
    LocalDate day = day(date);
    return viewer(auth, id)
        .map(v -> ResponseEntity.ok().contentType(MediaType.parseMediaType(CSV))
            .header("Content-Disposition", "attachment; filename=\"pick-list-" + id + "-" + day + ".csv\"")
            .body(Flux.concat(Flux.just(CSV_HEADER),
                lists.pickList(id, day, v.point().zone(), v.merchantOrNull()).map(PickupListsController::csvRow))))
        .defaultIfEmpty(Problems.notFound("pickup point", Long.toString(id)));
  }

  @GetMapping("/api/v1/pickup-points/{id}/overdue")
  Mono<ResponseEntity<Overdue>> overdueAt(@PathVariable long id, JwtAuthenticationToken auth) {
    return access.check(Caller.of(auth), id)
        .then(points.find(id))
        .flatMap(point -> lists.overdueAt(id).map(OverdueOrder::of).collectList())
        .map(orders -> ResponseEntity.ok(new Overdue(orders)))
        .defaultIfEmpty(Problems.notFound("pickup point", Long.toString(id)));
  }

  /** A merchant's OVERDUE orders ({@code ?activityId=} for one activity); an admin sees every merchant's. */
  @GetMapping("/api/v1/merchant/overdue")
  Mono<Overdue> overdueOfMerchant(@RequestParam(required = false) String activityId, JwtAuthenticationToken auth) {
    Long activity = activityId == null ? null : activityId(activityId);
    Caller caller = Caller.of(auth);
    return lists.overdueOf(caller.admin() ? null : caller.subject(), activity).map(OverdueOrder::of).collectList()
        .map(Overdue::new);
  }

  /**
   * Staff and admins see the whole list; a merchant whose activities deliver to the point sees its
   * own activities' lines; anyone else is refused.
   */
  private Mono<Viewer> viewer(JwtAuthenticationToken auth, long pointId) {
    Caller caller = Caller.of(auth);
    Mono<String> merchant = isMerchant(auth)
        ? lists.deliversFor(caller.subject(), pointId).flatMap(d -> d ? Mono.just(caller.subject()) : Mono.empty())
        : Mono.empty();
    return access.check(caller, pointId).thenReturn(Boolean.TRUE)
        .onErrorResume(PointAccess.NotPointStaff.class, refused -> merchant.map(m -> Boolean.FALSE)
            .switchIfEmpty(Mono.error(refused)))
        .flatMap(whole -> points.find(pointId).map(p -> new Viewer(p, whole ? null : caller.subject())));
  }

  private static boolean isMerchant(JwtAuthenticationToken auth) {
    return auth.getAuthorities().stream().anyMatch(a -> "ROLE_MERCHANT".equals(a.getAuthority()));
  }

  private static List<ActivityPicks> byActivity(List<PickupOrder> orders) {
    Map<Long, List<PickupOrder>> grouped = new LinkedHashMap<>();
    orders.forEach(o -> grouped.computeIfAbsent(o.activityId(), a -> new ArrayList<>()).add(o));
    return grouped.values().stream().map(os -> new ActivityPicks(os.get(0).activityId(), os.get(0).title(), os.size(),
        os.stream().map(Pick::of).toList())).toList();
  }

  private static String csvRow(PickupOrder o) {
    return String.join(",", Long.toString(o.activityId()), csv(o.title()), o.orderId(), csv(BuyerIds.mask(o.buyerId())),
        "1", o.status(), String.valueOf(o.pickupFrom()), String.valueOf(o.pickupTo())) + "\n";
  }

  private static LocalDate day(String date) {
    if (date == null) {
      throw new InvalidField("date", "is required, as 2026-12-02");
    }
    try {
      LocalDate day = date.length() == 10 ? LocalDate.parse(date) : null;
      if (day == null || day.getYear() < 2000 || day.getYear() > 2100) {
        throw new InvalidField("date", "must be a date between 2000-01-01 and 2100-12-31, as 2026-12-02");
      }
      return day;
    } catch (DateTimeParseException e) {
      throw new InvalidField("date", "must be a date as 2026-12-02");
    }
  }

  private static long activityId(String value) {
    if (!value.matches("[1-9][0-9]{0,17}")) {
      throw new InvalidField("activityId", "must be an activity id");
    }
    return Long.parseLong(value);
  }
}
