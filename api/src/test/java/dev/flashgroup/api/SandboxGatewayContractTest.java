package dev.flashgroup.api;

import dev.flashgroup.engine.order.OrderView;
import dev.flashgroup.engine.payment.PaymentGateway.PaymentStart;
import dev.flashgroup.engine.support.IsolatedServices;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox gateway under the contract. It confirms a payment in-process as it starts, so its
 * news of a payment is the start itself; its payouts are the refund numbers it recorded in Redis.
 */
@IsolatedServices
@ApiTest
class SandboxGatewayContractTest extends PaymentGatewayContract {

  private static final AtomicInteger BUYERS = new AtomicInteger();

  @Override
  String provider() {
    return "sandbox";
  }

  @Override
  Buyer buyer() {
    String id = "sandbox-buyer-" + BUYERS.incrementAndGet();
    return new Buyer(id, Tokens.of("CUSTOMER", id));
  }

  @Override
  String paymentReference(PaymentStart start) {
    return start.parameters().get("prepayId");
  }

  @Override
  Callable<?> paidNotice(OrderView order) {
    return () -> gateway.startPayment(request(order)).block(PATIENCE);
  }

  @Override
  int timesPaidOut(String refundNo) {
    return Boolean.TRUE.equals(redis.opsForHash().hasKey(keys.sandboxRefunds(), refundNo).block(PATIENCE)) ? 1 : 0;
  }

  @Override
  long amountPaidOut(String refundNo) {
    Object amount = redis.opsForHash().get(keys.sandboxRefunds(), refundNo).block(PATIENCE);
    return amount == null ? 0 : Long.parseLong((String) amount);
  }

  @Override
  boolean refundSettled(String refundNo) {
    return timesPaidOut(refundNo) == 1;
  }

  @Override
  boolean counterpartFails() {
    return false;
  }
}
