package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The pickup windows warmed into an activity's hash, where a script that makes an order collectable
 * reads them (lib/shared.lua's {@code open_pickup}). An explicit {@code pickup.window} is one window
 * for every point ({@code pickup_from}, {@code pickup_to}); without one each point has its own
 * ({@code window:<point id>} = {@code from:to}): the day after the activity ends, in the point's
 * zone, the point's opening hours. Computed here because Lua knows no time zones.
 */
@Component
class PickupWindows {

  private final PickupPoints points;

  PickupWindows(PickupPoints points) {
    this.points = points;
  }

  /** The activity's terms ({@link WarmUp#terms}) with its pickup windows and {@code perishable}. */
  Mono<List<String>> terms(Activity a) {
    List<String> terms = WarmUp.terms(a);
    Pickup pickup = a.pickup();
    if (pickup == null) {
      return Mono.just(terms);
    }
    terms.add("perishable");
    terms.add(pickup.perishable() ? "1" : "0");
    if (pickup.window() != null) {
      terms.addAll(List.of("pickup_from", Long.toString(pickup.window().from().toEpochMilli()),
          "pickup_to", Long.toString(pickup.window().to().toEpochMilli())));
      return Mono.just(terms);
    }
    return points.findAll(pickup.pointIds()).collectList().map(found -> {
      terms.addAll(defaultWindows(a, found));
      return terms;
    });
  }

  /** Each point's opening hours on the day after the activity ends, as field, value pairs. */
  static List<String> defaultWindows(Activity a, Collection<PickupPoint> found) {
    List<String> fields = new ArrayList<>();
    for (PickupPoint p : found) {
      LocalDate day = a.endsAt().atZone(p.zone()).toLocalDate().plusDays(1);
      long from = ZonedDateTime.of(day, p.opensAt(), p.zone()).toInstant().toEpochMilli();
      long to = ZonedDateTime.of(day, p.closesAt(), p.zone()).toInstant().toEpochMilli();
      fields.add(RedisKeys.ActivityKeys.pointWindowField(p.id()));
      fields.add(from + ":" + to);
    }
    return fields;
  }
}
