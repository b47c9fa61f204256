package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroup;
import reactor.test.StepVerifier;

/** warm_activity.lua: loads an activity once and prepares its event stream for the relay. */
class WarmActivityScriptTest extends LuaScriptSupport {

  @Test
  void warmsActivityWithItsFieldsAndSequenceAtZero() {
    StepVerifier.create(warm(ActivitySpec.standard().withStock(7)))
        .expectNext("WARMED")
        .verifyComplete();

    assertThat(activity())
        .containsEntry("activity_id", "42")
        .containsEntry("mode", "STANDARD")
        .containsEntry("starts_at", Long.toString(STARTS_AT))
        .containsEntry("ends_at", Long.toString(ENDS_AT))
        .containsEntry("stock", "7")
        .containsEntry("stock_total", "7")
        .containsEntry("per_user_limit", "2")
        .containsEntry("group_size", "3")
        .containsEntry("group_price", Long.toString(GROUP_PRICE))
        .containsEntry("solo_price", Long.toString(SOLO_PRICE))
        .containsEntry("group_ttl_ms", Long.toString(GROUP_TTL_MS))
        .containsEntry("pay_window_ms", Long.toString(PAY_WINDOW_MS))
        .containsEntry("seq", "0");
  }

  @Test
  void createsEmptyEventStreamWithRelayConsumerGroup() {
    givenWarmActivity();

    assertThat(relayGroups()).containsExactly(RELAY_GROUP);
    assertThat(events()).isEmpty();
  }

  @Test
  void relayGroupReadsEventsAppendedAfterWarming() {
    givenWarmActivity();
    opened("buyer-1");

    var read = redis.<String, String>opsForStream()
        .read(Consumer.from(RELAY_GROUP, "relay-1"), StreamOffset.create(keys.events(), ReadOffset.lastConsumed()))
        .map(MapRecord::getValue)
        .collectList()
        .block(TIMEOUT);
    assertThat(read).singleElement().extracting(entry -> entry.get("type")).isEqualTo("ReservationMade");
  }

  @Test
  void warmsWhenEventStreamAndRelayGroupOutliveActivity() {
    givenWarmActivity();
    opened("buyer-1");
    redis.delete(keys.activity()).block(TIMEOUT);

    StepVerifier.create(warm(ActivitySpec.standard()))
        .expectNext("WARMED")
        .verifyComplete();

    assertThat(activity()).containsEntry("stock", "10");
    assertThat(eventTypes()).containsExactly("ReservationMade");
    assertThat(relayGroups()).containsExactly(RELAY_GROUP);
  }

  @Test
  void leavesLiveCountersOfWarmActivityUntouched() {
    givenWarmActivity();
    redis.opsForHash().put(keys.activity(), "stock", "3").block(TIMEOUT);

    StepVerifier.create(warm(ActivitySpec.standard().withStock(100)))
        .expectNext("ALREADY_WARM")
        .verifyComplete();

    assertThat(activity()).containsEntry("stock", "3").containsEntry("stock_total", "10");
  }

  @Test
  void refusesToWarmOverEventKeyOfAnotherType() {
    redis.opsForValue().set(keys.events(), "not a stream").block(TIMEOUT);

    StepVerifier.create(warm(ActivitySpec.standard()))
        .expectErrorMatches(e -> String.valueOf(e.getMessage()).contains("holds a string")
            || String.valueOf(e.getCause()).contains("holds a string"))
        .verify(TIMEOUT);

    assertThat(redis.hasKey(keys.activity()).block(TIMEOUT)).isFalse();
  }

  private List<String> relayGroups() {
    return redis.opsForStream().groups(keys.events()).map(XInfoGroup::groupName).collectList().block(TIMEOUT);
  }
}
