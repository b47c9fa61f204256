package dev.flashgroup.engine.reservation;

import java.time.Instant;
import java.util.List;

/**
 * What reserve.lua answers: {@code {outcome, order id, group id, amount, pay by}}. The outcome is
 * {@code OK} or a refusal code (then the rest is blank and zero); the group id is empty for a solo
 * order.
 */
record ReserveReply(String outcome, String orderId, String groupId, long amount, long payBy) {

  static final String OK = "OK";

  static ReserveReply of(List<String> reply) {
    if (reply.size() != 5) {
      throw new IllegalStateException("reserve.lua answered " + reply + ", not {outcome, order, group, amount, pay by}");
    }
    return new ReserveReply(reply.get(0), reply.get(1), reply.get(2), Long.parseLong(reply.get(3)),
        Long.parseLong(reply.get(4)));
  }

  boolean ok() {
    return OK.equals(outcome);
  }

  /** The reservation an {@code OK} reply stands for. */
  ReservationOutcome.Reserved reserved() {
    return new ReservationOutcome.Reserved(orderId, groupId.isEmpty() ? null : groupId, amount,
        Instant.ofEpochMilli(payBy));
  }
}
