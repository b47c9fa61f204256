package dev.flashgroup.engine.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** reserve.lua's reply, {outcome, order id, group id, amount, pay by}, read by name. */
class ReserveReplyTest {

  @Test
  void readsAGroupReservation() {
    ReserveReply reply = ReserveReply.of(List.of("OK", "42-2", "42-1", "990", "1800000360000"));

    assertThat(reply.ok()).isTrue();
    assertThat(reply.reserved()).isEqualTo(
        new ReservationOutcome.Reserved("42-2", "42-1", 990, Instant.ofEpochMilli(1_800_000_360_000L)));
  }

  @Test
  void readsASoloReservationWithoutAGroup() {
    ReserveReply reply = ReserveReply.of(List.of("OK", "42-3", "", "1490", "1800000360000"));

    assertThat(reply.reserved().groupId()).isNull();
  }

  @Test
  void readsARefusalByItsCode() {
    ReserveReply reply = ReserveReply.of(List.of("SOLD_OUT", "", "", "0", "0"));

    assertThat(reply.ok()).isFalse();
    assertThat(reply.outcome()).isEqualTo("SOLD_OUT");
  }

  @Test
  void rejectsAReplyOfAnotherShape() {
    assertThatThrownBy(() -> ReserveReply.of(List.of("OK", "42-2", "42-1", "990")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("reserve.lua answered");
  }
}
