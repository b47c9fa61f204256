package dev.flashgroup.api.fulfilment;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.fulfilment.PickupTicket;
import dev.flashgroup.engine.fulfilment.PickupTickets;
import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.order.Orders;
import java.time.Instant;
import java.util.function.Function;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A buyer's pickup code, window and status, and the code as a QR image to show at the point. The
 * code is issued here too when the order is collectable but the projection has not issued it yet.
 * Another buyer's order is refused as the order itself is (403, see OrderController).
 */
@RestController
class PickupController {

  /** {@code window} is null while the activity has none. */
  record Pickup(String orderId, String code, long pointId, Window window, String status) {}

  record Window(Instant from, Instant to) {}

  private final Orders orders;
  private final PickupTickets tickets;
  private final QrCodes qr;

  PickupController(Orders orders, PickupTickets tickets, QrCodes qr) {
    this.orders = orders;
    this.tickets = tickets;
    this.qr = qr;
  }

  /** The buyer or an admin. */
  @GetMapping("/api/v1/orders/{orderId}/pickup")
  Mono<ResponseEntity<Object>> show(@PathVariable String orderId, JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    return ticket(orderId, order -> caller.owns(order.buyerId()), code -> Mono.just(ResponseEntity.ok().<Object>body(
        new Pickup(code.orderId(), code.code(), code.pointId(), code.window() == null ? null
            : new Window(code.window().from(), code.window().to()), code.status().name()))));
  }

  /** The buyer only: what the point's staff scans. */
  @GetMapping("/api/v1/orders/{orderId}/pickup/qr.png")
  Mono<ResponseEntity<Object>> qr(@PathVariable String orderId, JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    return ticket(orderId, order -> caller.subject().equals(order.buyerId()), code -> qr.png(code.code())
        .map(png -> ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).cacheControl(CacheControl.noStore())
            .<Object>body(png)));
  }

  private Mono<ResponseEntity<Object>> ticket(String orderId, java.util.function.Predicate<OrderView> allowed,
      Function<PickupTicket.Code, Mono<ResponseEntity<Object>>> answer) {
    return orders.find(orderId)
        .flatMap(order -> allowed.test(order) ? tickets.of(order).flatMap(ticket -> {
          if (ticket instanceof PickupTicket.Code code) {
            return answer.apply(code);
          }
          if (ticket instanceof PickupTicket.NotCollectable refused) {
            return Mono.just(Problems.<Object>response(HttpStatus.CONFLICT, "NOT_COLLECTABLE", "The order is "
                + refused.status() + ": it has no pickup code until it is collectable (its group succeeded, or it"
                + " was paid alone)"));
          }
          return Mono.just(Problems.<Object>response(HttpStatus.CONFLICT, "NO_PICKUP",
              "The order's activity delivers to no pickup point"));
        }) : Mono.just(Problems.<Object>forbidden("This order belongs to another buyer")))
        .defaultIfEmpty(Problems.notFound("order", orderId));
  }
}
