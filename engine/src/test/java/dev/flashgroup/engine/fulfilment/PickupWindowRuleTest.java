package dev.flashgroup.engine.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.order.OrderStatus;
import dev.flashgroup.engine.order.OrderView;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The window and status a buyer sees, derived from the activity's window and now. */
class PickupWindowRuleTest {

  private static final Instant FROM = Instant.parse("2026-12-02T11:00:00Z");
  private static final Instant TO = Instant.parse("2026-12-02T13:00:00Z");
  private static final Pickup.Window WINDOW = new Pickup.Window(FROM, TO);

  private static OrderView order(OrderStatus status) {
    return new OrderView("42-1", 42, null, "alice", status, 990, FROM, 990, 990L, 0, 3L, null);
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
}
