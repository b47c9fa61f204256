package dev.flashgroup.api.activity;

import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.activity.Pickup;
import dev.flashgroup.engine.activity.Tier;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A merchant's new activity as sent. Instants and durations arrive as text so that a malformed
 * one is reported with the other bad fields instead of failing the whole body.
 */
record ActivityRequest(String title, String mode, Integer groupSize, Long groupPrice, Long soloPrice, Integer stock,
    Integer perUserLimit, String startsAt, String endsAt, String groupTtl, String payWindow, List<Tier> tiers,
    Integer virtualSuccessMissing, PickupRequest pickup, Integer leaderCommissionBps,
    String talkingPoints, Integer safetyStock, Integer shards) {

  /** {@code pickup: {points: [{pointId, stock, safetyStock?}], window: {from, to}, perishable}}. */
  record PickupRequest(List<Pickup.PointShare> points, WindowRequest window, Boolean perishable) {

    Pickup toPickup() {
      return new Pickup(points, window == null ? null : new Pickup.Window(instant(window.from()), instant(window.to())),
          Boolean.TRUE.equals(perishable));
    }
  }

  record WindowRequest(String from, String to) {}

  ActivityDraft toDraft() {
    return new ActivityDraft(title, mode(mode), groupSize, groupPrice, soloPrice, stock, perUserLimit,
        instant(startsAt), instant(endsAt), duration(groupTtl), duration(payWindow), tiers, virtualSuccessMissing,
        pickup == null ? null : pickup.toPickup(), leaderCommissionBps, talkingPoints, safetyStock, shards);
  }

  private static Mode mode(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Mode.valueOf(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Instant instant(String value) {
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Duration duration(String value) {
    try {
      return value == null ? null : Duration.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
