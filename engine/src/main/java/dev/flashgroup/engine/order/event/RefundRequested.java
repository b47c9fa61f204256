package dev.flashgroup.engine.order.event;

import java.util.List;

/** A script asks the payment gateway for these refunds (refund numbers: {@code order.RefundNumber}). */
public record RefundRequested(long at, List<RefundEntry> refunds) implements OrderEvent {

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
