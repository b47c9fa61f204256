package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** close_point.lua: a deactivated point is marked closed in a warm activity that delivers to it. */
class ClosePointScriptTest extends LuaScriptSupport {

  private void givenPoints() {
    assertThat(warm(ActivitySpec.standard(), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");
  }

  @Test
  void closesAPointTheActivityDeliversTo() {
    givenPoints();

    assertThat(closePoint(3).block(TIMEOUT)).isEqualTo("CLOSED");

    assertThat(activity()).containsEntry("closed:3", "1").containsEntry("point:3", "4").doesNotContainKey("closed:5");
  }

  @Test
  void closingTwiceChangesNothing() {
    givenPoints();
    closePoint(3).block(TIMEOUT);
    var before = activity();

    assertThat(closePoint(3).block(TIMEOUT)).isEqualTo("ALREADY_CLOSED");
    assertThat(activity()).isEqualTo(before);
  }

  @Test
  void leavesAnActivityThatDoesNotDeliverThereAlone() {
    givenPoints();

    assertThat(closePoint(4).block(TIMEOUT)).isEqualTo("NOT_SERVED");
    assertThat(activity()).doesNotContainKey("closed:4");
  }

  @Test
  void createsNothingForAnActivityThatIsNotWarm() {
    assertThat(closePoint(3).block(TIMEOUT)).isEqualTo("NOT_WARM");
    assertThat(redis.hasKey(keys.activity()).block(TIMEOUT)).isFalse();
  }
}
