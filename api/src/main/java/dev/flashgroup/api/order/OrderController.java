package dev.flashgroup.api.order;

import dev.flashgroup.api.security.Caller;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.order.Orders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A buyer's order, live. Buyers see only their own orders; admins see all. */
@RestController
class OrderController {

  private final Orders orders;

  OrderController(Orders orders) {
    this.orders = orders;
  }

  @GetMapping("/api/v1/orders/{orderId}")
  Mono<ResponseEntity<OrderView>> show(@PathVariable String orderId, JwtAuthenticationToken auth) {
    Caller caller = Caller.of(auth);
    return orders.find(orderId)
        .map(order -> caller.owns(order.buyerId())
            ? ResponseEntity.ok(order)
            : Problems.<OrderView>forbidden("This order belongs to another buyer"))
        .defaultIfEmpty(Problems.notFound("order", orderId));
  }
}
