package dev.flashgroup.engine.fulfilment;

import dev.flashgroup.engine.order.OrderStatus;
import java.time.Duration;
import java.time.Instant;

/** What came of one scan of a pickup code at a point. The names are the outcomes recorded. */
public sealed interface Verification {

  /** Handed out now: the order is PICKED_UP. {@code units} the order holds (one per reservation). */
  record PickedUp(String orderId, String buyerId, String title, int units, Instant verifiedAt) implements Verification {

    @Override
    public String outcome() {
      return "PICKED_UP";
    }
  }

  /** Handed out before, at {@code verifiedAt}; nothing changed. */
  record AlreadyPickedUp(String orderId, Instant verifiedAt) implements Verification {

    @Override
    public String outcome() {
      return "ALREADY_PICKED_UP";
    }
  }

  /** The code belongs to an order of another point; nothing changed. */
  record WrongPoint() implements Verification {

    @Override
    public String outcome() {
      return "WRONG_POINT";
    }
  }

  /** No order holds the code. */
  record UnknownCode() implements Verification {

    @Override
    public String outcome() {
      return "UNKNOWN_CODE";
    }
  }

  /** The order is not collectable now (refunding, refunded, not yet succeeded, or not live in Redis). */
  record NotCollectable(String orderId, OrderStatus status) implements Verification {

    @Override
    public String outcome() {
      return "NOT_COLLECTABLE";
    }
  }

  /** Not a code at all (13 to 20 digits). */
  record Malformed() implements Verification {

    @Override
    public String outcome() {
      return "MALFORMED";
    }
  }

  /** Too many bad codes from this subject: retry after {@code retryAfter}. */
  record TooManyAttempts(Duration retryAfter) implements Verification {

    @Override
    public String outcome() {
      return "TOO_MANY_ATTEMPTS";
    }
  }

  /** The order's activity awaits its rebuild from MySQL: nothing can be handed out until then; retry shortly. */
  record Unavailable(String orderId) implements Verification {

    @Override
    public String outcome() {
      return "UNAVAILABLE";
    }
  }

  /** The stable name recorded and shown as the refusal code. */
  String outcome();
}
