package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** take_reminders.lua: each due reminder of a collectable order is appended once. */
class TakeRemindersScriptTest extends LuaScriptSupport {

  @Test
  void takesNothingBeforeItIsDue() {
    givenPickupActivity(true);
    collectable("buyer-1");

    StepVerifier.create(takeReminders(WINDOW_FROM - 1, 10)).expectNext(List.of(0L, 0L)).verifyComplete();

    assertThat(pickupReminders()).hasSize(2);
  }

  @Test
  void appendsOneReminderDueAtTheWindowsStartAndTakesItOnce() {
    givenPickupActivity(true);
    Reply order = collectable("buyer-1");

    StepVerifier.create(takeReminders(WINDOW_FROM, 10)).expectNext(List.of(1L, 0L)).verifyComplete();
    StepVerifier.create(takeReminders(WINDOW_FROM, 10)).expectNext(List.of(0L, 0L)).verifyComplete();

    assertThat(pickupReminders()).containsOnlyKeys(order.orderId() + ":0:WINDOW_ENDING");
    Event due = lastEvent();
    assertThat(due.type()).isEqualTo("PickupReminderDue");
    JsonNode data = due.data();
    assertThat(List.of(data.get("orderId").asString(), data.get("buyerId").asString(), data.get("kind").asString(),
        data.get("activityId").asString())).containsExactly(order.orderId(), "buyer-1", "WINDOW_START", "42");
    assertThat(List.of(data.get("pointId").asLong(), data.get("window").asLong(), data.get("from").asLong(),
        data.get("to").asLong(), data.get("at").asLong()))
        .containsExactly(3L, 0L, WINDOW_FROM, WINDOW_TO, WINDOW_FROM);
    assertThat(data.get("perishable").asBoolean()).isTrue();
  }

  @Test
  void appendsTheEndingReminderAnHourBeforeTheEnd() {
    givenPickupActivity(true);
    collectable("buyer-1");

    StepVerifier.create(takeReminders(WINDOW_TO - HOUR_MS, 10)).expectNext(List.of(2L, 0L)).verifyComplete();

    assertThat(eventTypes().subList(eventTypes().size() - 2, eventTypes().size()))
        .containsExactly("PickupReminderDue", "PickupReminderDue");
    assertThat(lastEvent().data().get("kind").asString()).isEqualTo("WINDOW_ENDING");
  }

  @Test
  void dropsTheReminderOfAnOrderNoLongerCollectable() {
    givenPickupActivity(false);
    Reply order = collectable("buyer-1");
    redis.opsForHash().put(keys.order(order.orderId()), "status", "REFUNDING").block(TIMEOUT);
    redis.opsForZSet().add(keys.pickupReminders(), "42-99:0:WINDOW_START", WINDOW_FROM).block(TIMEOUT);
    redis.opsForZSet().add(keys.pickupReminders(), "not a member", WINDOW_FROM).block(TIMEOUT);
    int before = events().size();

    StepVerifier.create(takeReminders(WINDOW_FROM, 10)).expectNext(List.of(0L, 3L)).verifyComplete();

    assertThat(events()).hasSize(before);
    assertThat(pickupReminders()).isEmpty();
  }

  @Test
  void dropsTheReminderOfAWindowTheOrderRolledPast() {
    givenPickupActivity(true);
    Reply order = collectable("buyer-1");
    rollOverPickups(WINDOW_TO, 10, 1).block(TIMEOUT);

    StepVerifier.create(takeReminders(WINDOW_TO, 10)).expectNext(List.of(0L, 2L)).verifyComplete();
    StepVerifier.create(takeReminders(WINDOW_FROM + DAY_MS, 10)).expectNext(List.of(1L, 0L)).verifyComplete();

    assertThat(lastEvent().data().get("window").asLong()).isEqualTo(1L);
    assertThat(pickupReminders()).containsOnlyKeys(order.orderId() + ":1:WINDOW_ENDING");
  }

  @Test
  void takesAtMostOneBatch() {
    givenPickupActivity(false);
    collectable("buyer-1");
    collectable("buyer-2");

    StepVerifier.create(takeReminders(WINDOW_FROM, 1)).expectNext(List.of(1L, 0L)).verifyComplete();

    assertThat(pickupReminders()).hasSize(1);
  }
}
