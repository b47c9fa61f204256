package dev.flashgroup.engine.pickup;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Pickup windows, their roll-over and the reminders.
 *
 * @param rollovers times an uncollected order rolls over to the next day before it is OVERDUE
 *     ({@code FLASHGROUP_PICKUP_ROLLOVERS}), 0 to 30
 * @param interval pause between rounds of the pickup sweeper
 * @param batch most window ends and most reminders taken per activity and round
 * @param sweeperEnabled whether this instance sweeps pickup windows and reminders
 * @param reminderAttempts sends of one reminder to one recipient before it is marked FAILED
 * @param reminderClaim how long a worker holds a reminder it is sending before another may take it
 *     over (longer than a send can take: a send still running when it lapses may go out twice)
 */
@ConfigurationProperties("flashgroup.pickup")
public record PickupSettings(
    @DefaultValue("1") int rollovers,
    @DefaultValue("PT1S") Duration interval,
    @DefaultValue("500") int batch,
    @DefaultValue("true") boolean sweeperEnabled,
    @DefaultValue("8") int reminderAttempts,
    @DefaultValue("PT30S") Duration reminderClaim) {

  public static final int MAX_ROLLOVERS = 30;

  public PickupSettings {
    if (rollovers < 0 || rollovers > MAX_ROLLOVERS) {
      throw new IllegalArgumentException("flashgroup.pickup.rollovers must be 0 to " + MAX_ROLLOVERS);
    }
    if (batch < 1 || batch > 10_000) {
      throw new IllegalArgumentException("flashgroup.pickup.batch must be 1 to 10000");
    }
    if (reminderAttempts < 1 || reminderAttempts > 100) {
      throw new IllegalArgumentException("flashgroup.pickup.reminder-attempts must be 1 to 100");
    }
  }
}
