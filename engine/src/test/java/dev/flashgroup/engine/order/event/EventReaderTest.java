package dev.flashgroup.engine.order.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flashgroup.engine.group.GroupStatus;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.kernel.EventType;
import dev.flashgroup.engine.order.OrderStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Events are read exactly as the scripts write them, and nothing else is. */
class EventReaderTest {

  private static final String ORDER = "{\"id\":\"42-2\",\"activityId\":\"42\",\"groupId\":\"42-1\",\"buyerId\":\"alice\","
      + "\"status\":\"RESERVED\",\"amount\":990,\"payBy\":1800000360000,\"version\":1}";
  private static final String GROUP = "{\"id\":\"42-1\",\"activityId\":\"42\",\"status\":\"OPEN\",\"size\":3,"
      + "\"members\":1,\"paid\":0,\"deadline\":1800001860000,\"version\":1,\"leader\":\"alice\"}";
  private static final String RESERVATION_MADE = "{\"at\":1800000060000,\"orders\":[" + ORDER + "],\"group\":" + GROUP + "}";

  @Test
  void readsAReservationAsReserveLuaWritesIt() {
    OrderEvent event = EventReader.read("ReservationMade", RESERVATION_MADE);

    assertThat(event).isInstanceOf(ReservationMade.class);
    ReservationMade made = (ReservationMade) event;
    assertThat(made.at()).isEqualTo(1_800_000_060_000L);
    assertThat(made.orders()).containsExactly(new OrderSnapshot("42-2", new ActivityId(42), "42-1", "alice",
        OrderStatus.RESERVED, 990, 1_800_000_360_000L, 1, null, null, null, null, null, null, null, null, null, null, null));
    assertThat(made.group()).isEqualTo(new GroupSnapshot("42-1", new ActivityId(42), GroupStatus.OPEN, 3, 1, 0,
        1_800_001_860_000L, 1, "alice", null, null));
  }

  @Test
  void readsAPickupReminderAndRejectsAnUnknownKind() {
    String data = "{\"at\":5,\"orderId\":\"42-1\",\"activityId\":\"42\",\"pointId\":3,\"buyerId\":\"alice\","
        + "\"kind\":\"WINDOW_ENDING\",\"window\":1,\"from\":10,\"to\":20,\"perishable\":true}";

    assertThat(EventReader.read("PickupReminderDue", data)).isEqualTo(new PickupReminderDue(5, "42-1",
        new ActivityId(42), 3, "alice", PickupReminderDue.Kind.WINDOW_ENDING, 1, 10, 20, true));
    assertUnreadable("PickupReminderDue", data.replace("WINDOW_ENDING", "LATER"));
  }

  @Test
  void readsALowStockAlertAtTheActivityAndAtAPoint() {
    String activity = "{\"at\":5,\"alertId\":\"42-7\",\"activityId\":\"42\",\"orderId\":\"42-7\","
        + "\"remaining\":3,\"safetyStock\":3}";
    String point = "{\"at\":5,\"alertId\":\"42-7:9\",\"activityId\":\"42\",\"pointId\":9,\"orderId\":\"42-7\","
        + "\"remaining\":0,\"safetyStock\":1}";

    assertThat(EventReader.read("StockLow", activity))
        .isEqualTo(new StockLow(5, "42-7", new ActivityId(42), null, "42-7", 3, 3));
    assertThat(EventReader.read("StockLow", point))
        .isEqualTo(new StockLow(5, "42-7:9", new ActivityId(42), 9L, "42-7", 0, 1));
    assertUnreadable("StockLow", activity.replace("\"remaining\":3", "\"remaining\":3.5"));
    assertUnreadable("StockLow", activity.replace(",\"safetyStock\":3", ""));
  }

  @Test
  void readsTheActivityIdAsANumberToo() {
    OrderEvent event = EventReader.read("ReservationMade", RESERVATION_MADE.replace("\"activityId\":\"42\"",
        "\"activityId\":42").getBytes(StandardCharsets.UTF_8));

    assertThat(((ReservationMade) event).orders().get(0).activityId()).isEqualTo(new ActivityId(42));
    assertThat(((ReservationMade) event).group().activityId()).isEqualTo(new ActivityId(42));
  }

  @Test
  void readsASoloOrdersNullGroup() {
    ReservationMade made = (ReservationMade) EventReader.read("ReservationMade",
        "{\"at\":1,\"orders\":[" + ORDER.replace("\"42-1\"", "\"\"") + "],\"group\":null}");

    assertThat(made.group()).isNull();
    assertThat(made.orders().get(0).groupOrNull()).isNull();
  }

  @Test
  void readsTheOptionalAmountsWhereTheScriptWritesThem() {
    String paid = ORDER.replace("\"version\":1}", "\"version\":3,\"paidAmount\":990,\"finalAmount\":990,\"refundedAmount\":0}");
    PaymentConfirmed event = (PaymentConfirmed) EventReader.read("PaymentConfirmed",
        "{\"at\":1,\"tx\":\"tx-1\",\"paidOrder\":\"42-2\",\"orders\":[" + paid + "],\"group\":" + GROUP + "}");

    assertThat(event.orders().get(0).paidAmount()).isEqualTo(990L);
    assertThat(event.orders().get(0).finalAmount()).isEqualTo(990L);
    assertThat(event.orders().get(0).refundedAmount()).isZero();
  }

  @Test
  void readsASettlementThatMovedNoMember() {
    String settled = GROUP.replace("\"OPEN\"", "\"SUCCEEDED\"").replace("}", ",\"virtualMembers\":1,\"price\":990}");
    GroupSucceeded event = (GroupSucceeded) EventReader.read("GroupSucceeded", "{\"at\":1,\"group\":" + settled + "}");

    assertThat(event.orders()).isEmpty();
    assertThat(event.completedByPayment()).isFalse();
    assertThat(event.group().virtualMembers()).isEqualTo(1);
    assertThat(event.group().price()).isEqualTo(990L);
  }

  @Test
  void readsRefundRequestsAndConfirmations() {
    RefundRequested requested = (RefundRequested) EventReader.read("RefundRequested", "{\"at\":1,\"refunds\":[{"
        + "\"refundNo\":\"RD42-2\",\"orderId\":\"42-2\",\"amount\":500,\"reason\":\"TIER_PRICE\",\"total\":3000}]}");
    RefundConfirmed confirmed = (RefundConfirmed) EventReader.read("RefundConfirmed",
        "{\"at\":1,\"refundNo\":\"RF42-2\",\"orders\":[" + ORDER.replace("RESERVED", "REFUNDED") + "],\"group\":null}");

    assertThat(requested.refunds()).containsExactly(new RefundEntry("RD42-2", "42-2", 500, "TIER_PRICE", 3000));
    assertThat(confirmed.refundNo()).isEqualTo("RF42-2");
    assertThat(confirmed.orders().get(0).status()).isEqualTo(OrderStatus.REFUNDED);
  }

  @Test
  void readsAPickupAsVerifyPickupLuaWritesIt() {
    String pickedUp = ORDER.replace("\"42-1\"", "\"\"").replace("RESERVED", "PICKED_UP")
        .replace("\"version\":1}", "\"version\":4,\"pointId\":3,\"pickedUpAt\":1800000900000}");
    OrderPickedUp event = (OrderPickedUp) EventReader.read("OrderPickedUp",
        "{\"at\":1800000900000,\"orders\":[" + pickedUp + "],\"group\":null,\"pointId\":3,\"staff\":\"clerk-3\"}");

    assertThat(event.pointId()).isEqualTo(3);
    assertThat(event.staff()).isEqualTo("clerk-3");
    assertThat(event.group()).isNull();
    assertThat(event.orders().get(0).status()).isEqualTo(OrderStatus.PICKED_UP);
    assertThat(event.orders().get(0).pickedUpAt()).isEqualTo(1_800_000_900_000L);
    assertThat(event.accept(new Names())).isEqualTo("picked up");
  }

  @Test
  void rejectsAPickupWithoutItsPointOrStaff() {
    String pickedUp = ORDER.replace("RESERVED", "PICKED_UP");
    assertUnreadable("OrderPickedUp", "{\"at\":1,\"orders\":[" + pickedUp + "],\"group\":null,\"staff\":\"clerk-3\"}");
    assertUnreadable("OrderPickedUp", "{\"at\":1,\"orders\":[" + pickedUp + "],\"group\":null,\"pointId\":3}");
    assertUnreadable("OrderPickedUp", "{\"at\":1,\"orders\":[" + pickedUp + "],\"group\":null,\"pointId\":\"3\","
        + "\"staff\":\"clerk-3\"}");
  }

  @Test
  void everyTypeReadsIntoTheRecordThatNamesIt() {
    for (EventType type : EventType.values()) {
      assertThat(EventReader.recordOf(type).getSimpleName()).isEqualTo(type.wireName());
    }
  }

  @Test
  void rejectsAnUnknownType() {
    assertUnreadable("ReservationMaid", RESERVATION_MADE);
  }

  @Test
  void rejectsAnUnknownField() {
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"buyerId\"", "\"buyer\""));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("{\"at\"", "{\"extra\":1,\"at\""));
  }

  @Test
  void rejectsAMissingRequiredField() {
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"payBy\":1800000360000,", ""));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace(",\"leader\":\"alice\"", ""));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace(",\"group\":" + GROUP, ""));
    assertUnreadable("RefundRequested", "{\"at\":1,\"refunds\":[{\"refundNo\":\"RF42-2\",\"orderId\":\"42-2\","
        + "\"amount\":500,\"reason\":\"GROUP_FAILED\"}]}");
  }

  @Test
  void rejectsNullForARequiredField() {
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"buyerId\":\"alice\"", "\"buyerId\":null"));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"amount\":990", "\"amount\":null"));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"orders\":[" + ORDER + "]", "\"orders\":[null]"));
    assertUnreadable("GroupFailed", "{\"at\":1,\"group\":null}");
  }

  @Test
  void rejectsAWrongEnumValue() {
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"RESERVED\"", "\"RESERVD\""));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"OPEN\"", "\"open\""));
  }

  @Test
  void rejectsMoneyOrTimesThatAreFractionsOrText() {
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"amount\":990", "\"amount\":990.5"));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"amount\":990", "\"amount\":\"990\""));
    assertUnreadable("RefundRequested", "{\"at\":1.7,\"refunds\":[{\"refundNo\":\"RF42-2\",\"orderId\":\"42-2\","
        + "\"amount\":500,\"reason\":\"GROUP_FAILED\",\"total\":500}]}");
    assertUnreadable("RefundRequested", "{\"at\":1,\"refunds\":[{\"refundNo\":\"RF42-2\",\"orderId\":\"42-2\","
        + "\"amount\":\"500\",\"reason\":\"GROUP_FAILED\",\"total\":500.9}]}");
  }

  @Test
  void rejectsAnActivityIdThatIsNone() {
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"activityId\":\"42\"", "\"activityId\":\"a42\""));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"activityId\":\"42\"", "\"activityId\":0"));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"activityId\":\"42\"", "\"activityId\":42.5"));
    assertUnreadable("ReservationMade", RESERVATION_MADE.replace("\"activityId\":\"42\"", "\"activityId\":\"042\""));
  }

  @Test
  void rejectsDataThatIsNoEvent() {
    assertUnreadable("ReservationMade", "");
    assertUnreadable("ReservationMade", "[]");
    assertUnreadable("ReservationMade", RESERVATION_MADE + "}");
    assertUnreadable("ReservationMade", (String) null);
  }

  @Test
  void handlersSeeEachEventAsItsOwnKind() {
    OrderEvent event = EventReader.read("ReservationMade", RESERVATION_MADE);

    assertThat(event.accept(new Names())).isEqualTo("made");
    assertThat(event).isInstanceOf(SnapshotEvent.class);
  }

  private static void assertUnreadable(String type, String data) {
    assertThatThrownBy(() -> EventReader.read(type, data)).as("%s %s", type, data)
        .isInstanceOf(UnreadableEvent.class).isInstanceOf(IllegalArgumentException.class);
  }

  private static final class Names implements OrderEvent.Handler<String> {

    @Override
    public String on(ReservationMade event) {
      return "made";
    }

    @Override
    public String on(PaymentConfirmed event) {
      return "paid";
    }

    @Override
    public String on(GroupSucceeded event) {
      return "succeeded";
    }

    @Override
    public String on(GroupFailed event) {
      return "failed";
    }

    @Override
    public String on(ReservationExpired event) {
      return "expired";
    }

    @Override
    public String on(RefundRequested event) {
      return "requested";
    }

    @Override
    public String on(RefundConfirmed event) {
      return "confirmed";
    }

    @Override
    public String on(OrderPickedUp event) {
      return "picked up";
    }

    @Override
    public String on(PickupRolledOver event) {
      return "rolled over";
    }

    @Override
    public String on(PickupOverdue event) {
      return "overdue";
    }

    @Override
    public String on(PickupReminderDue event) {
      return "reminder";
    }

    @Override
    public String on(StockLow event) {
      return "stock low";
    }
  }
}
