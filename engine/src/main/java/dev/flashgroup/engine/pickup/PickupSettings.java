package dev.flashgroup.engine.pickup;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Pickup windows, their roll-over and the reminders.
 *
 * @param rollovers times an uncollected order rolls over to the next day before it is OVERDUE
 *     ({@code FLASHGROUP_PICKUP_ROLLOVERS}), 0 to 30
 * @param interval least pause between rounds of the pickup sweeper (also while timers are overdue,
 *     and after a failed round): a reminder or window end this instance knows of is taken at most
 *     this late; one made collectable through another instance, at most {@code rescan} late
 * @param batch most window ends and most reminders taken per activity and round
 * @param sweeperEnabled whether this instance sweeps pickup windows and reminders
 * @param reminderAttempts sends of one reminder to one recipient before it is marked FAILED
 * @param reminderClaim how long a worker holds a reminder it is sending before another may take it
 *     over (longer than a send can take: a send still running when it lapses may go out twice)
 * @param longestWait most the pickup sweeper sleeps when it knows of no earlier reminder or window end
 * @param rescan how often every warm activity's earliest pickup timer is read again (2 commands per
 *     activity), for timers this instance was not told of (orders made collectable through another
 *     instance)
 */
@ConfigurationProperties("flashgroup.pickup")
public record PickupSettings(
    @DefaultValue("1") int rollovers,
    @DefaultValue("PT1S") Duration interval,
    @DefaultValue("500") int batch,
    @DefaultValue("true") boolean sweeperEnabled,
    @DefaultValue("8") int reminderAttempts,
    @DefaultValue("PT30S") Duration reminderClaim,
    @DefaultValue("PT1M") Duration longestWait,
    @DefaultValue("PT5M") Duration rescan) {

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
