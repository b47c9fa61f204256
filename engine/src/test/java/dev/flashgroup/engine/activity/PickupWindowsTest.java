package dev.flashgroup.engine.activity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PointKind;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default pickup window: the day after the sale ends, in each point's zone, the point's hours. */
class PickupWindowsTest {

  private static PickupPoint point(long id, String opens, String closes, String zone) {
    return new PickupPoint(id, "p" + id, "a", PointKind.LOCKER, BigDecimal.ONE, BigDecimal.ONE, "123",
        LocalTime.parse(opens), LocalTime.parse(closes), ZoneId.of(zone), true);
  }

  private static Activity endingAt(String endsAt) {
    Instant end = Instant.parse(endsAt);
    return new Activity(new ActivityId(7), "shop-1", "t", Mode.STANDARD, 2, 100, 200, 10, 1, end.minusSeconds(3600),
        end, Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(), 0, null, null, 0);
  }

  @Test
  void isTheNextDayInThePointsOwnZoneAtItsOwnHours() {
    // 23:00 in Shanghai on 1 December: the next day there is 2 December.
    List<String> fields = PickupWindows.defaultWindows(endingAt("2026-12-01T15:00:00Z"),
        List.of(point(3, "19:00", "21:00", "Asia/Shanghai"), point(5, "08:00", "12:30", "Europe/London")));

    assertThat(fields).containsExactly(
        "window:3", Instant.parse("2026-12-02T11:00:00Z").toEpochMilli() + ":"
            + Instant.parse("2026-12-02T13:00:00Z").toEpochMilli(),
        "window:5", Instant.parse("2026-12-02T08:00:00Z").toEpochMilli() + ":"
            + Instant.parse("2026-12-02T12:30:00Z").toEpochMilli());
  }

  @Test
  void aSaleEndingAfterMidnightInThePointsZoneIsCollectedTheDayAfterThat() {
    // 01:00 on 2 December in Shanghai, still 1 December in UTC.
    List<String> fields = PickupWindows.defaultWindows(endingAt("2026-12-01T17:00:00Z"),
        List.of(point(3, "19:00", "21:00", "Asia/Shanghai")));

    assertThat(fields.get(1)).startsWith(Instant.parse("2026-12-03T11:00:00Z").toEpochMilli() + ":");
  }
}
