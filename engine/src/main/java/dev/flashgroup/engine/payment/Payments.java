package dev.flashgroup.engine.payment;

import dev.flashgroup.engine.group.GroupView;
import dev.flashgroup.engine.group.Groups;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.order.Orders;
import java.time.Clock;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Starts the payment of a reserved order through the configured gateway. */
@Service
public class Payments {

  private final Orders orders;
  private final PaymentGateway gateway;
  private final ActivityTitles titles;
  private final Groups groups;
  private final Clock clock;

  Payments(Orders orders, PaymentGateway gateway, ActivityTitles titles, Groups groups, Clock clock) {
    this.orders = orders;
    this.gateway = gateway;
    this.titles = titles;
    this.groups = groups;
    this.clock = clock;
  }

  public Mono<PaymentOutcome> start(String orderId, String buyerId) {
    // Only an order Redis holds can take money; one only MySQL holds (its activity retired, or
    // awaiting its rebuild) is shown to its buyer as not payable.
    return orders.live(orderId)
        .flatMap(order -> {
          if (!order.buyerId().equals(buyerId)) {
            return Mono.<PaymentOutcome>just(new PaymentOutcome.NotYours());
          }
          if (order.status() != OrderStatus.RESERVED) {
            return Mono.just(new PaymentOutcome.NotPayable(order.status()));
          }
          return groupCanFill(order).flatMap(fills -> fills ? start(order, buyerId)
              : Mono.just(new PaymentOutcome.GroupClosing(order.groupId())));
        })
        .switchIfEmpty(Mono.defer(() -> orders.recorded(orderId)
            .map(order -> order.buyerId().equals(buyerId)
                ? new PaymentOutcome.NotPayable(order.status()) : new PaymentOutcome.NotYours())))
        .defaultIfEmpty(new PaymentOutcome.Unknown());
  }

  /** A solo order always can; a group's member only while the group is open and before its deadline. */
  private Mono<Boolean> groupCanFill(OrderView order) {
    if (order.groupId() == null) {
      return Mono.just(true);
    }
    return groups.live(order.groupId())
        .map(group -> isOpen(group) && clock.instant().isBefore(group.deadline()))
        .defaultIfEmpty(false);
  }

  private static boolean isOpen(GroupView group) {
    return "OPEN".equals(group.status());
  }

  private Mono<PaymentOutcome> start(OrderView order, String buyerId) {
    return titles.titleOf(order.activityId())
              .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                  "order " + order.id() + " belongs to activity " + order.activityId() + ", which does not exist")))
              .flatMap(title -> gateway.startPayment(new PaymentGateway.PaymentRequest(order.id(), buyerId,
                  order.amount(), order.payBy(), title)))
              .map(PaymentOutcome.Started::new);
  }
}
