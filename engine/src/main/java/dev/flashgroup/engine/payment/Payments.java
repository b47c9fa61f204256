package dev.flashgroup.engine.payment;

import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.Orders;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Starts the payment of a reserved order through the configured gateway. */
@Service
public class Payments {

  private final Orders orders;
  private final PaymentGateway gateway;
  private final ActivityTitles titles;

  Payments(Orders orders, PaymentGateway gateway, ActivityTitles titles) {
    this.orders = orders;
    this.gateway = gateway;
    this.titles = titles;
  }

  public Mono<PaymentOutcome> start(String orderId, String buyerId) {
    return orders.find(orderId)
        .flatMap(order -> {
          if (!order.buyerId().equals(buyerId)) {
            return Mono.<PaymentOutcome>just(new PaymentOutcome.NotYours());
          }
          if (order.status() != OrderStatus.RESERVED) {
            return Mono.just(new PaymentOutcome.NotPayable(order.status()));
          }
          return titles.titleOf(order.activityId())
              .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                  "order " + order.id() + " belongs to activity " + order.activityId() + ", which does not exist")))
              .flatMap(title -> gateway.startPayment(new PaymentGateway.PaymentRequest(order.id(), buyerId,
                  order.amount(), order.payBy(), title)))
              .map(PaymentOutcome.Started::new);
        })
        .defaultIfEmpty(new PaymentOutcome.Unknown());
  }
}
