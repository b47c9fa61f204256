package dev.flashgroup.engine.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The window and status a buyer sees, derived from the order's (or the activity's) window and now. */
class PickupWindowRuleTest {

  private static final Instant FROM = Instant.parse("2026-12-02T11:00:00Z");
  private static final Instant TO = Instant.parse("2026-12-02T13:00:00Z");
  private static final Pickup.Window WINDOW = new Pickup.Window(FROM, TO);

  private static OrderView order(OrderStatus status) {
    return new OrderView("42-1", 42, null, "alice", status, 990, FROM, 990, 990L, 0, 3L, null, null);
  }

  private static OrderView order(OrderStatus status, Instant from, Instant to, int rollovers) {
    return new OrderView("42-1", 42, null, "alice", status, 990, FROM, 990, 990L, 0, 3L, null,
        new OrderView.Window(from, to, rollovers));
  }

  @Test
  void waitsBeforeTheWindow() {
    assertThat(PickupWindowRule.of(order(OrderStatus.SUCCEEDED), WINDOW, FROM.minusSeconds(1)))
        .isEqualTo(new PickupTicket.Schedule(new PickupTicket.Window(FROM, TO), PickupStatus.WAITING));
  }

  @Test
  void isReadyFromTheWindowsStart() {
    assertThat(PickupWindowRule.of(order(OrderStatus.SUCCEEDED), WINDOW, FROM).status()).isEqualTo(PickupStatus.READY);
    assertThat(PickupWindowRule.of(order(OrderStatus.SUCCEEDED), WINDOW, TO.plusSeconds(1)).status())
        .isEqualTo(PickupStatus.READY);
  }

  @Test
  void waitsWithoutAWindow() {
    assertThat(PickupWindowRule.of(order(OrderStatus.SUCCEEDED), null, FROM))
        .isEqualTo(new PickupTicket.Schedule(null, PickupStatus.WAITING));
  }

  @Test
  void aHandedOutOrderIsPickedUpWhateverTheTime() {
    assertThat(PickupWindowRule.of(order(OrderStatus.PICKED_UP), WINDOW, FROM.minusSeconds(1)).status())
        .isEqualTo(PickupStatus.PICKED_UP);
  }

  @Test
  void theOrdersOwnWindowComesBeforeTheActivitys() {
    Instant dayAfter = TO.plusSeconds(86_400);
    assertThat(PickupWindowRule.of(order(OrderStatus.SUCCEEDED, FROM.plusSeconds(86_400), dayAfter, 1), WINDOW,
        TO.plusSeconds(60)))
        .isEqualTo(new PickupTicket.Schedule(new PickupTicket.Window(FROM.plusSeconds(86_400), dayAfter),
            PickupStatus.ROLLED_OVER));
    assertThat(PickupWindowRule.of(order(OrderStatus.SUCCEEDED, FROM.plusSeconds(86_400), dayAfter, 1), WINDOW,
        dayAfter.minusSeconds(60)).status()).isEqualTo(PickupStatus.READY);
    assertThat(PickupWindowRule.of(order(OrderStatus.SUCCEEDED, FROM, TO, 0), null, FROM.minusSeconds(1)).status())
        .isEqualTo(PickupStatus.WAITING);
  }

  @Test
  void anOverdueOrderIsOverdue() {
    assertThat(PickupWindowRule.of(order(OrderStatus.OVERDUE, FROM.plusSeconds(86_400), TO.plusSeconds(86_400), 1),
        WINDOW, TO.plusSeconds(2 * 86_400)).status()).isEqualTo(PickupStatus.OVERDUE);
  }
}
