package dev.flashgroup.engine.claim;

import dev.flashgroup.engine.order.OrderStatus;
import java.time.Instant;

/** What filing a claim led to; only {@link Filed} changed anything. */
public sealed interface Filing {

  /** Recorded: PENDING for the merchant, or APPROVED (and its refund sent) when small enough. */
  record Filed(Claim claim) implements Filing {}

  record NoSuchOrder() implements Filing {}

  record NotYours() implements Filing {}

  /** Only a picked-up order takes claims. */
  record NotPickedUp(OrderStatus status) implements Filing {}

  /** The claim window ({@code flashgroup.claims.window} after pickup) ended at {@code closedAt}. */
  record WindowClosed(Instant closedAt) implements Filing {}

  /** More than the order's other claims left of what was paid: {@code refundable} fen. */
  record AboveRefundable(long refundable) implements Filing {}

  /** The order already took {@code limit} claims ({@code flashgroup.claims.max-per-order}). */
  record TooManyClaims(int limit) implements Filing {}
}
